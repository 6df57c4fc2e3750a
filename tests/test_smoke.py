def test_case_fixture_reaches_panel_convened(case):
    assert case.stage == "panel_convened"
