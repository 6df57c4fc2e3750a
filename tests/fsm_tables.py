"""Checking a state machine against the table its test writes out from the procedure.

Each tests/<app>/test_state_machine.py writes one row per transition: (name, the
states it may be taken from, the state it leads to). These helpers read the model itself
(django-fsm's `can_proceed` on an unsaved instance set to each state, then the
transition taken), so a source list widened or narrowed, a changed target, a transition
added or removed, fails the test. No database: the transitions only set fields.
"""

from django_fsm import can_proceed

Row = tuple[str, set, str]  # transition name, source states, target state


def field_of(model, field_name: str):
    return model._meta.get_field(field_name)


def states_of(model, field_name: str) -> list[str]:
    return [value for value, _ in field_of(model, field_name).choices]


def transitions_in_model(model, field_name: str) -> dict[str, tuple[set, str]]:
    """What the model declares: name -> (sources, target), from django-fsm's metadata."""
    declared: dict[str, tuple[set, str]] = {}
    for transition in field_of(model, field_name).get_all_transitions(model):
        sources, target = declared.setdefault(transition.name, (set(), transition.target))
        assert transition.target == target, f"{transition.name}: one target per transition"
        sources.add(transition.source)
    return declared


def allowed_from(model, field_name: str, name: str) -> dict[str, bool]:
    """For every state: may `name` be taken from it, as the model answers."""
    return {
        state: can_proceed(getattr(model(**{field_name: state}), name))
        for state in states_of(model, field_name)
    }


def target_of(model, field_name: str, name: str, state: str) -> str:
    """The state an unsaved instance in `state` is in after taking `name`."""
    instance = model(**{field_name: state})
    getattr(instance, name)()
    return getattr(instance, field_name)


def check_row(model, field_name: str, row: Row) -> None:
    """The model agrees with one row of the table, for every state of the field."""
    name, sources, target = row
    expected = {state: state in sources for state in states_of(model, field_name)}
    assert allowed_from(model, field_name, name) == expected
    for state in sources:
        assert target_of(model, field_name, name, state) == target, (name, state)


def check_table_is_complete(model, field_name: str, table: list[Row]) -> None:
    """The table names every transition of the model once, and only real states."""
    names = [name for name, _, _ in table]
    assert len(names) == len(set(names)), "a transition written twice"
    assert set(names) == set(transitions_in_model(model, field_name))
    states = set(states_of(model, field_name))
    for name, sources, target in table:
        assert sources <= states and target in states, name


def check_no_conditions(model, field_name: str) -> None:
    """No transition has `conditions=[...]`: the table is the whole rule. A condition
    added later needs its own test for each side, so this fails until it has one."""
    conditional = {
        t.name for t in field_of(model, field_name).get_all_transitions(model) if t.conditions
    }
    assert conditional == set()


def transitions_from(model, field_name: str, state: str) -> set[str]:
    """The transitions an instance in `state` may take, as the model answers."""
    instance = model(**{field_name: state})
    return {t.name for t in getattr(instance, f"get_available_{field_name}_transitions")()}
