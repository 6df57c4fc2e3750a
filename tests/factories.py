"""factory_boy factories. Build state through services where the procedure cares."""

import factory

from scr.accounts.models import Agency, Board, User
from scr.accounts.services import role_grant


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testshire {n} Safeguarding Adults Board")
    short_name = "TSAB"
    coordinator_name = "Coral Dunmore"
    coordinator_email = factory.Sequence(lambda n: f"board{n}.coordinator@example.org")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Testshire Agency {n}")
    kind = Agency.Kind.OTHER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    board = factory.SubFactory(BoardFactory)
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            role_grant(user=self, role=role)
