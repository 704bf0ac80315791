"""Demo cooperative: estates, communities, units, parties, ten years of books.

``seed(units=60, years=10)`` builds a realistic Polish housing cooperative;
``--units 10000 --years 10`` builds the same at scale for benchmarks. It is
deterministic and idempotent: structure, parties, rights and memberships are
upserted on their source keys, and the generated history (schedules, ledger,
loans, meters) is replaced. Bulk rows go through the one writer of ledger
rows, ``ledger.imports.bulk.write_rows`` (COPY on PostgreSQL, ``bulk_create``
in batches elsewhere), with every constraint and index in place.

The accounts of PRODUCT.md get their parties here (the members app creates
the logins): 100001 holds a cooperative flat (member, with a loan, meters and
an overpayment) and a flat in a housing community (bought three years ago,
in arrears); 100002 a single cooperative flat (member, pays on time); 100003 a
single leased flat (in arrears; its account is the blocked one).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from ledger.imports.bulk import write_rows
from ledger.models import (
    Building,
    ChargeComponent,
    ChargeSchedule,
    DataImport,
    EntrySettlement,
    Estate,
    HousingCommunity,
    LedgerEntry,
    Loan,
    LoanEntry,
    Membership,
    Meter,
    MeterReading,
    Party,
    Unit,
    UnitRight,
)
from ledger.validators import NIP_WEIGHTS, make_nrb

SOURCE = "demo"
PREFIX = "demo-"
SEED = "smlw-733/2012"
DEMO_PARTIES = ("100001", "100002", "100003")
GROSZ = Decimal("0.01")
THOUSANDTH = Decimal("0.001")


def demo_nip(base: int) -> str:
    """A valid NIP from nine digits (the next base when the check digit would
    be 10)."""
    while True:
        digits = f"{base:09d}"
        check = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return f"{digits}{check}"
        base += 1


def seed(*, units: int = 60, years: int = 10, stdout) -> None:
    """Create or refresh the demo books: ``units`` units and ``years`` years of
    history up to today. Prints what it built and how long it took."""
    started = time.monotonic()
    builder = DemoBuilder(units=units, years=max(years, 1))
    with transaction.atomic():
        counts = builder.build()
    seconds = time.monotonic() - started
    stdout.write(
        "Books: {estates} estates, {communities} housing communities, "
        "{units} units, {parties} parties, {entries} ledger entries, "
        "{loans} loans, {meters} meters, {readings} readings, "
        "{memberships} memberships ({seconds:.1f} s).\n".format(
            **counts, seconds=seconds
        )
    )
    stdout.write(
        "Demo parties: 100001 (units in both zones), 100002 (one cooperative "
        "flat), 100003 (one flat; its account is blocked).\n"
    )


# --- Data for names and places --------------------------------------------------------

MALE = [
    "Jan",
    "Piotr",
    "Andrzej",
    "Krzysztof",
    "Stanisław",
    "Tomasz",
    "Paweł",
    "Józef",
    "Marcin",
    "Marek",
    "Michał",
    "Grzegorz",
    "Jerzy",
    "Tadeusz",
    "Adam",
    "Łukasz",
    "Zbigniew",
    "Ryszard",
    "Dariusz",
    "Henryk",
    "Mariusz",
    "Kazimierz",
    "Wojciech",
    "Robert",
    "Mateusz",
    "Marian",
    "Rafał",
    "Jacek",
    "Janusz",
    "Mirosław",
]
FEMALE = [
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Krystyna",
    "Elżbieta",
    "Magdalena",
    "Joanna",
    "Zofia",
    "Teresa",
    "Danuta",
    "Monika",
    "Beata",
    "Aleksandra",
    "Natalia",
    "Irena",
    "Jadwiga",
    "Halina",
    "Grażyna",
    "Dorota",
    "Jolanta",
    "Iwona",
]
SURNAMES = [
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Nowakowski",
    "Pawłowski",
    "Michalski",
    "Nowicki",
    "Adamczyk",
    "Dudek",
    "Zając",
    "Wieczorek",
    "Jabłoński",
    "Król",
    "Majewski",
    "Olszewski",
    "Jaworski",
    "Wróbel",
    "Malinowski",
    "Pawlak",
    "Witkowski",
    "Walczak",
    "Stępień",
    "Górski",
    "Rutkowski",
    "Michalak",
    "Sikora",
    "Ostrowski",
    "Baran",
    "Duda",
    "Szewczyk",
    "Tomaszewski",
    "Pietrzak",
    "Marciniak",
    "Wróblewski",
    "Zalewski",
]
ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")

ESTATES = (
    (
        "OS-AK",
        "Osiedle Armii Krajowej",
        "ul. Armii Krajowej 14, 45-071 Opole",
        "77 454 21 10",
        ("ul. Armii Krajowej", "ul. Reymonta", "ul. Kośnego"),
        "45-071",
    ),
    (
        "OS-CH",
        "Osiedle Chabry",
        "ul. Chabrów 62, 45-221 Opole",
        "77 455 30 20",
        ("ul. Chabrów", "ul. Orląt Lwowskich", "ul. Fieldorfa"),
        "45-221",
    ),
    (
        "OS-DA",
        "Osiedle Dambonia",
        "ul. Dambonia 171, 45-861 Opole",
        "77 456 12 40",
        ("ul. Dambonia", "ul. Spychalskiego", "ul. Bytnara"),
        "45-861",
    ),
    (
        "OS-ZA",
        "Osiedle Zaodrze",
        "ul. Wandy 8, 45-117 Opole",
        "77 453 77 15",
        ("ul. Wandy", "ul. Niemodlińska", "ul. Oleska"),
        "45-117",
    ),
)
OFFICE_HOURS = (
    "poniedziałek 7:00–17:00\nwtorek–czwartek 7:00–15:00\npiątek 7:00–13:00\n"
    "Przyjęcia interesantów w sprawach rozliczeń: wtorek i czwartek 9:00–14:00."
)

#: code, Polish name, display order
COMPONENTS = (
    ("EKS", "Eksploatacja", 10),
    ("ZAL", "Zaliczka na koszty zarządu nieruchomością wspólną", 11),
    ("FR", "Fundusz remontowy", 20),
    ("CO", "Centralne ogrzewanie", 30),
    ("ZW", "Woda i odprowadzanie ścieków", 40),
    ("ODP", "Gospodarowanie odpadami komunalnymi", 50),
)

PAYMENT_PROFILES = ("punctual", "overpayer", "late", "debtor")
PROFILE_WEIGHTS = (60, 15, 15, 10)


def feminine(surname: str) -> str:
    for masculine, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + female
    return surname


def to_money(value) -> Decimal:
    return Decimal(value).quantize(GROSZ, rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- The plan of the cooperative ------------------------------------------------------


@dataclass
class UnitPlan:
    index: int
    code: str
    building_code: str
    number: str
    kind: str
    zone: str
    area: Decimal
    persons: int
    profile: str
    handover: dt.date
    holder: str  # party number of the current (main) holder
    holder_kind: str
    holder_from: dt.date
    previous: str | None = None  # party number of a previous owner
    co_holder: str | None = None
    unit_id: int | None = None
    rng: random.Random = field(repr=False, default=None)


def community_shares(units: list[UnitPlan], buildings: list[Building]) -> dict:
    """Each community unit's share in the common property, as the usual deed
    sets it: its floor area over the floor area of all the community's units
    (rounded to the 7 places stored)."""
    community_of = {b.code: b.community_id for b in buildings if b.community_id}
    totals: dict[int, Decimal] = {}
    for plan in units:
        community = community_of.get(plan.building_code)
        if community is not None:
            totals[community] = totals.get(community, Decimal(0)) + plan.area
    return {
        plan.code: (plan.area / totals[community_of[plan.building_code]]).quantize(
            Decimal("0.0000001")
        )
        for plan in units
        if plan.building_code in community_of
    }


@dataclass
class PartyPlan:
    number: str
    name: str
    email: str
    phone: str
    address: str
    postal_code: str


class DemoBuilder:
    """Plans the cooperative deterministically, then writes it."""

    def __init__(self, *, units: int, years: int):
        self.n_units = units
        self.years = years
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.this_month = self.today.replace(day=1)
        self.start = add_months(self.this_month, -12 * years)
        self.months = [add_months(self.start, k) for k in range(12 * years + 1)]
        self.building_size = 12 if units <= 200 else 30
        # The demo parties need the first flats of the first two buildings.
        self.n_units = max(units, self.building_size + 2)
        self.parties: dict[str, PartyPlan] = {}
        self.units: list[UnitPlan] = []
        self.extra_parties = 0

    # -- orchestration

    def build(self) -> dict:
        if connection.vendor == "postgresql":
            # Check foreign keys as each statement ends rather than queueing
            # millions of checks for the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        estates, communities, buildings = self.structure()
        components = self.components()
        self.plan_units(buildings)
        self.write_units(buildings)
        self.write_parties()
        rights = self.write_rights()
        memberships = self.write_memberships()
        self.clear_history()
        self.write_schedules(components)
        entries = self.write_ledger(components)
        self.write_settlements()
        loans = self.write_loans()
        meters, readings = self.write_meters()
        self.write_import_record()
        return {
            "estates": len(estates),
            "communities": len(communities),
            "units": len(self.units),
            "parties": len(self.parties),
            "rights": rights,
            "entries": entries,
            "loans": loans,
            "meters": meters,
            "readings": readings,
            "memberships": memberships,
        }

    # -- structure

    def structure(self):
        estates = {}
        for code, name, office_address, phone, _streets, _postal in ESTATES:
            estates[code], _ = Estate.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    # "Osiedle Chabry" -> "Administracja Osiedla Chabry".
                    "office_name": "Administracja "
                    + name.replace("Osiedle ", "Osiedla ", 1),
                    "office_address": office_address,
                    "office_phone": phone,
                    "office_email": f"{code.lower()}@example.org",
                    "office_hours": OFFICE_HOURS,
                },
            )
        n_buildings = math.ceil(self.n_units / self.building_size)
        communities = {}
        buildings = []
        estate_plans = list(ESTATES)
        for b in range(n_buildings):
            estate_plan = estate_plans[b % len(estate_plans)]
            estate = estates[estate_plan[0]]
            streets, postal = estate_plan[4], estate_plan[5]
            # Odd house numbers along each street of the estate, no repeats.
            local = b // len(estate_plans)
            street = streets[local % len(streets)]
            address = f"{street} {local // len(streets) * 2 + 1}"
            # About one building in five; at least two communities.
            is_community = b % 5 == 1 or b == 2
            community = None
            if is_community:
                community, _ = HousingCommunity.objects.update_or_create(
                    code=f"WM-{b:04d}",
                    defaults={
                        "name": "Wspólnota Mieszkaniowa „{}”".format(
                            address.removeprefix("ul. ")
                        ),
                        "address": f"{address}, {postal} Opole",
                        "estate": estate,
                        # Its own NIP and account: its owners pay there.
                        "nip": demo_nip(754_300_000 + b),
                        "bank_account": make_nrb(f"12401587{900_000 + b:016d}"),
                    },
                )
                communities[community.code] = community
            buildings.append(
                Building(
                    code=f"B-{b:04d}",
                    address=address,
                    postal_code=postal,
                    city="Opole",
                    estate=estate,
                    community=community,
                )
            )
        write_instances(
            Building,
            buildings,
            ("code", "address", "postal_code", "city", "estate_id", "community_id"),
            upsert_on=("code",),
        )
        return estates, communities, buildings

    def components(self) -> dict[str, ChargeComponent]:
        result = {}
        for code, name, ordering in COMPONENTS:
            result[code], _ = ChargeComponent.objects.update_or_create(
                code=code, defaults={"name": name, "ordering": ordering}
            )
        return result

    # -- units and parties

    def plan_units(self, buildings: list[Building]) -> None:
        size = self.building_size
        for i in range(self.n_units):
            building = buildings[i // size]
            position = i % size
            rng = random.Random(f"{SEED}-unit-{i}")
            community = building.community is not None
            if position == size - 1 and not community:
                kind, number = Unit.Kind.GARAGE, f"G{i // size % 9 + 1}"
                area = to_money(rng.uniform(15, 20))
            elif position == size - 2 and i // size % 3 == 0 and not community:
                kind, number = Unit.Kind.COMMERCIAL, "U1"
                area = to_money(rng.uniform(40, 120))
            else:
                kind, number = Unit.Kind.FLAT, str(position + 1)
                area = to_money(rng.choice((27.5, 36.2, 38.4, 47.9, 53.6, 61.3, 72.8)))
            handover = dt.date(rng.randint(1975, 2012), rng.randint(1, 12), 1)
            if community:
                holder_kind = UnitRight.Kind.SEPARATE_OWNERSHIP
            else:
                holder_kind = rng.choices(
                    list(UnitRight.Kind), weights=(8, 25, 45, 22), k=1
                )[0]
            plan = UnitPlan(
                index=i,
                code=f"L{i + 1:06d}",
                building_code=building.code,
                number=number,
                kind=kind,
                zone=Unit.Zone.COMMUNITY if community else Unit.Zone.COOPERATIVE,
                area=area,
                persons=rng.randint(1, 4) if kind == Unit.Kind.FLAT else 0,
                profile=rng.choices(PAYMENT_PROFILES, weights=PROFILE_WEIGHTS, k=1)[0],
                handover=handover,
                holder=f"{100001 + i}",
                holder_kind=holder_kind,
                holder_from=handover,
                rng=rng,
            )
            self.units.append(plan)
            if kind != Unit.Kind.FLAT or i in (0, 1, 2, size):
                continue  # the demo accounts' units are set below
            if rng.random() < 0.10:
                plan.previous = self.new_extra_party(rng, building)
                plan.holder_from = add_months(
                    self.start, rng.randint(6, max(6, 12 * self.years - 6))
                ).replace(day=rng.randint(1, 28))
            elif rng.random() < 0.13:
                plan.co_holder = self.new_extra_party(rng, building)
        self.apply_demo_accounts()
        for plan in self.units:
            building = buildings[plan.index // self.building_size]
            if plan.holder not in self.parties:
                self.parties[plan.holder] = self.person(plan.holder, plan.rng, building)

    def apply_demo_accounts(self) -> None:
        """Fix the three demo parties of PRODUCT.md on known units."""
        size = self.building_size
        coop, community_flat = self.units[0], self.units[size]
        if community_flat.zone != Unit.Zone.COMMUNITY:
            raise RuntimeError("the second building must be a housing community")
        for plan in (coop, self.units[1], self.units[2]):
            plan.previous = plan.co_holder = None
            plan.kind = Unit.Kind.FLAT
        coop.holder_kind = UnitRight.Kind.COOP_OWNERSHIP
        coop.profile = "overpayer"
        coop.handover = coop.holder_from = dt.date(2004, 6, 1)
        # 100001 bought the community flat three years ago from its previous
        # owner, who keeps their own history.
        community_flat.holder = "100001"
        community_flat.kind = Unit.Kind.FLAT
        community_flat.profile = "debtor"
        community_flat.co_holder = None
        community_flat.previous = self.new_extra_party(community_flat.rng, None)
        community_flat.holder_from = max(
            add_months(self.this_month, -36).replace(day=15),
            add_months(self.start, 1),
        )
        self.units[1].holder_kind = UnitRight.Kind.COOP_TENANT
        self.units[1].profile = "punctual"
        self.units[2].holder_kind = UnitRight.Kind.LEASE
        self.units[2].profile = "debtor"
        self.parties["100001"] = PartyPlan(
            "100001",
            "Kowalski Jan",
            "jan.kowalski@example.org",
            "600 100 001",
            "ul. Armii Krajowej 1/1",
            "45-071",
        )
        self.parties["100002"] = PartyPlan(
            "100002",
            "Nowak Anna",
            "anna.nowak@example.org",
            "600 100 002",
            "ul. Armii Krajowej 1/2",
            "45-071",
        )
        self.parties["100003"] = PartyPlan(
            "100003",
            "Wiśniewski Piotr",
            "piotr.wisniewski@example.org",
            "600 100 003",
            "ul. Armii Krajowej 1/3",
            "45-071",
        )

    def new_extra_party(self, rng, building) -> str:
        """A co-holder or previous owner: numbered apart from unit holders."""
        self.extra_parties += 1
        number = f"{300000 + self.extra_parties}"
        self.parties[number] = self.person(number, rng, building)
        return number

    def person(self, number, rng, building) -> PartyPlan:
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.5:
            first, surname = rng.choice(FEMALE), feminine(surname)
        else:
            first = rng.choice(MALE)
        login = f"{first}.{surname}.{number[-4:]}".lower().translate(ASCII)
        address = building.address if building else "ul. Krakowska 10"
        return PartyPlan(
            number=number,
            name=f"{surname} {first}",
            email=f"{login}@example.org" if rng.random() < 0.8 else "",
            phone=f"{rng.choice((5, 6, 7, 8))}{rng.randint(10, 99)} "
            f"{rng.randint(100, 999)} {rng.randint(100, 999)}",
            address=f"{address}/{rng.randint(1, 40)}",
            postal_code=building.postal_code if building else "45-001",
        )

    def write_units(self, buildings: list[Building]) -> None:
        building_ids = dict(
            Building.objects.filter(code__in=[b.code for b in buildings]).values_list(
                "code", "id"
            )
        )
        shares = community_shares(self.units, buildings)
        objects = [
            Unit(
                code=plan.code,
                building_id=building_ids[plan.building_code],
                number=plan.number,
                kind=plan.kind,
                floor_area=plan.area,
                zone=plan.zone,
                bank_account=make_nrb(f"10204027{plan.index + 1:016d}"),
                common_share=shares.get(plan.code),
            )
            for plan in self.units
        ]
        write_instances(
            Unit,
            objects,
            ("code", "building_id", "number", "kind", "floor_area", "zone",
             "bank_account", "common_share"),
            upsert_on=("code",),
        )  # fmt: skip
        ids = dict(
            Unit.objects.filter(code__in=[p.code for p in self.units]).values_list(
                "code", "id"
            )
        )
        for plan in self.units:
            plan.unit_id = ids[plan.code]

    def write_parties(self) -> None:
        write_instances(
            Party,
            [
                Party(
                    number=p.number,
                    name=p.name,
                    email=p.email,
                    phone=p.phone,
                    address=p.address,
                    postal_code=p.postal_code,
                    city="Opole",
                )
                for p in self.parties.values()
            ],
            ("number", "name", "email", "phone", "address", "postal_code", "city"),
            upsert_on=("number",),
        )
        self.party_ids = dict(
            Party.objects.filter(number__in=list(self.parties)).values_list(
                "number", "id"
            )
        )

    def rights(self) -> Iterator[UnitRight]:
        for plan in self.units:
            pid = self.party_ids
            share = Decimal("0.5") if plan.co_holder else Decimal("1")
            if plan.previous:
                yield UnitRight(
                    external_id=f"{PREFIX}{plan.code}-0",
                    party_id=pid[plan.previous],
                    unit_id=plan.unit_id,
                    kind=plan.holder_kind,
                    valid_from=plan.handover,
                    valid_to=plan.holder_from - dt.timedelta(days=1),
                    share=Decimal("1"),
                )
            yield UnitRight(
                external_id=f"{PREFIX}{plan.code}-1",
                party_id=pid[plan.holder],
                unit_id=plan.unit_id,
                kind=plan.holder_kind,
                valid_from=plan.holder_from,
                valid_to=None,
                share=share,
            )
            if plan.co_holder:
                yield UnitRight(
                    external_id=f"{PREFIX}{plan.code}-2",
                    party_id=pid[plan.co_holder],
                    unit_id=plan.unit_id,
                    kind=plan.holder_kind,
                    valid_from=plan.holder_from,
                    valid_to=None,
                    share=share,
                )

    def write_rights(self) -> int:
        rights = list(self.rights())
        # Rights an earlier plan made and this one does not.
        UnitRight.objects.filter(external_id__startswith=PREFIX).exclude(
            external_id__in=[right.external_id for right in rights]
        ).delete()
        write_instances(
            UnitRight,
            rights,
            ("external_id", "party_id", "unit_id", "kind", "valid_from", "valid_to",
             "share"),
            upsert_on=("external_id",),
        )  # fmt: skip
        return len(rights)

    def write_memberships(self) -> int:
        """Holders of cooperative rights are members; previous owners' membership
        ended when they sold."""
        member_kinds = {UnitRight.Kind.COOP_TENANT, UnitRight.Kind.COOP_OWNERSHIP}
        memberships = {}
        for plan in self.units:
            if plan.holder_kind not in member_kinds:
                continue
            holders = [(plan.holder, plan.holder_from, None)]
            if plan.co_holder:
                holders.append((plan.co_holder, plan.holder_from, None))
            if plan.previous:
                holders.append(
                    (plan.previous, plan.handover, plan.holder_from - dt.timedelta(1))
                )
            for number, admitted, ended in holders:
                if number in memberships:
                    continue
                rng = random.Random(f"{SEED}-member-{number}")
                admission = min(admitted, dt.date(2017, 1, 1)) - dt.timedelta(
                    days=rng.randint(0, 60)
                )
                shares = rng.randint(1, 3)
                memberships[number] = Membership(
                    member_number=f"C{number}",
                    party_id=self.party_ids[number],
                    admission_date=admission,
                    admission_resolution=f"Uchwała Zarządu nr {rng.randint(1, 250)}"
                    f"/{admission.year}",
                    status=Membership.Status.TERMINATED
                    if ended
                    else Membership.Status.ACTIVE,
                    shares_declared=shares,
                    shares_paid=Decimal(200 * shares),
                    entry_fee_paid=Decimal(rng.choice((50, 80, 100, 150))),
                    termination_date=ended,
                )
        write_instances(
            Membership,
            list(memberships.values()),
            ("member_number", "party_id", "admission_date", "admission_resolution",
             "status", "shares_declared", "shares_paid", "entry_fee_paid",
             "termination_date"),
            upsert_on=("member_number",),
        )  # fmt: skip
        return len(memberships)

    # -- generated history

    def clear_history(self) -> None:
        """Remove the history an earlier run generated (raw deletes: millions
        of rows at benchmark scale, too many for the ORM's cascade collector)."""
        t = {
            model.__name__: connection.ops.quote_name(model._meta.db_table)
            for model in (
                EntrySettlement,
                LedgerEntry,
                ChargeSchedule,
                LoanEntry,
                Loan,
                MeterReading,
                Meter,
                DataImport,
            )
        }
        demo_entries = f"SELECT id FROM {t['LedgerEntry']} WHERE source = %s"  # noqa: S608
        demo_loans = f"SELECT id FROM {t['Loan']} WHERE external_id LIKE %s"  # noqa: S608
        demo_meters = f"SELECT id FROM {t['Meter']} WHERE external_id LIKE %s"  # noqa: S608
        settlements = (
            f"DELETE FROM {t['EntrySettlement']} "  # noqa: S608
            f"WHERE payment_id IN ({demo_entries}) OR charge_id IN ({demo_entries})"
        )
        like = f"{PREFIX}%"
        statements = [
            (settlements, [SOURCE, SOURCE]),
            (f"DELETE FROM {t['LedgerEntry']} WHERE source = %s", [SOURCE]),  # noqa: S608
            (f"DELETE FROM {t['ChargeSchedule']} WHERE external_id LIKE %s", [like]),  # noqa: S608
            (f"DELETE FROM {t['LoanEntry']} WHERE loan_id IN ({demo_loans})", [like]),  # noqa: S608
            (f"DELETE FROM {t['Loan']} WHERE external_id LIKE %s", [like]),  # noqa: S608
            (f"DELETE FROM {t['MeterReading']} WHERE meter_id IN ({demo_meters})", [like]),  # noqa: S608, E501
            (f"UPDATE {t['Meter']} SET replaces_id = NULL WHERE external_id LIKE %s", [like]),  # noqa: S608, E501
            (f"DELETE FROM {t['Meter']} WHERE external_id LIKE %s", [like]),  # noqa: S608
            (f"DELETE FROM {t['DataImport']} WHERE source = %s", [SOURCE]),  # noqa: S608
        ]  # fmt: skip
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    def monthly_amounts(self, plan: UnitPlan, year: int) -> dict[str, Decimal]:
        """The unit's monthly charge per component in ``year`` (rates rise
        about 4 % a year)."""
        growth = Decimal("1.04") ** (year - 2015)
        area = plan.area
        if plan.kind == Unit.Kind.GARAGE:
            return {
                "EKS": to_money(Decimal("38.00") * growth),
                "FR": to_money(Decimal("9.50") * growth),
            }
        if plan.kind == Unit.Kind.COMMERCIAL:
            return {
                "EKS": to_money(area * Decimal("3.90") * growth),
                "FR": to_money(area * Decimal("1.60") * growth),
                "ZW": to_money(Decimal("60.00") * growth),
                "ODP": to_money(Decimal("95.00") * growth),
            }
        persons = Decimal(plan.persons)
        amounts = {}
        if plan.zone == Unit.Zone.COMMUNITY:
            amounts["ZAL"] = to_money(area * Decimal("2.45") * growth)
        else:
            amounts["EKS"] = to_money(area * Decimal("1.95") * growth)
        amounts["FR"] = to_money(area * Decimal("1.40") * growth)
        amounts["CO"] = to_money(area * Decimal("3.10") * growth)
        amounts["ZW"] = to_money(persons * Decimal("3.2") * Decimal("11.85") * growth)
        amounts["ODP"] = to_money(persons * Decimal("21.00") * growth)
        return amounts

    def write_schedules(self, components) -> None:
        comp = {code: c.pk for code, c in components.items()}
        years = sorted({m.year for m in self.months})
        now = self.now

        def rows():
            for plan in self.units:
                for year in years:
                    valid_from = max(dt.date(year, 1, 1), self.start)
                    valid_to = None if year == years[-1] else dt.date(year, 12, 31)
                    for code, amount in self.monthly_amounts(plan, year).items():
                        yield (
                            now,
                            now,
                            f"{PREFIX}{plan.code}-{code}-{year}",
                            plan.unit_id,
                            comp[code],
                            amount,
                            valid_from,
                            valid_to,
                            10,
                        )

        write_rows(
            ChargeSchedule,
            (
                "created_at",
                "updated_at",
                "external_id",
                "unit_id",
                "component_id",
                "monthly_amount",
                "valid_from",
                "valid_to",
                "due_day",
            ),
            rows(),
        )

    def write_ledger(self, components) -> int:
        comp = {code: c.pk for code, c in components.items()}
        fields = (
            "created_at",
            "updated_at",
            "source",
            "external_id",
            "unit_id",
            "booking_date",
            "period",
            "due_date",
            "kind",
            "component_id",
            "amount",
            "document_number",
            "description",
        )
        return write_rows(
            LedgerEntry,
            fields,
            (row for plan in self.units for row in self.unit_ledger(plan, comp)),
        )

    def unit_ledger(self, plan: UnitPlan, comp: dict[str, int]) -> Iterator[tuple]:
        """A unit's monthly charges, payments, settlements, corrections and
        interest. The current month's charges are not booked yet (the last
        import predates them), so the member area simulates them."""
        rng = random.Random(f"{SEED}-ledger-{plan.index}")
        now, code, unit_id = self.now, plan.code, plan.unit_id
        charge, payment = LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.PAYMENT
        balance = Decimal("0.00")
        profile = plan.profile
        stop_paying = rng.randint(3, 9)  # debtors: months unpaid at the end
        yesterday = self.today - dt.timedelta(days=1)
        last_index = len(self.months) - 1
        amounts_by_year = {}
        for k, period in enumerate(self.months):
            year, month = period.year, period.month
            if year not in amounts_by_year:
                amounts_by_year[year] = self.monthly_amounts(plan, year)
            amounts = amounts_by_year[year]
            due = period.replace(day=10)
            stamp = f"{year}{month:02d}"
            month_total = sum(amounts.values())
            current = k == last_index
            if not current:
                document = f"NAL/{year}/{month:02d}/{plan.index + 1:06d}"
                for component_code, amount in amounts.items():
                    yield (
                        now,
                        now,
                        SOURCE,
                        f"{code}-{stamp}-{component_code}",
                        unit_id,
                        period,
                        period,
                        due,
                        charge,
                        comp[component_code],
                        -amount,
                        document,
                        "",
                    )
                balance -= month_total
                owed = -balance
            else:
                owed = month_total - balance
            # A yearly water settlement in April, a heating one in June.
            if month == 4 and not current and "ZW" in amounts:
                settled = to_money(rng.uniform(-140, 120))
                if settled:
                    balance += settled
                    yield (
                        now,
                        now,
                        SOURCE,
                        f"{code}-{stamp}-RW",
                        unit_id,
                        period.replace(day=20),
                        period,
                        period.replace(day=30) if settled < 0 else None,
                        LedgerEntry.Kind.SETTLEMENT,
                        comp["ZW"],
                        settled,
                        f"RW/{year - 1}/{plan.index + 1:06d}",
                        f"Rozliczenie wody za {year - 1} r.",
                    )
            if not current and rng.random() < 0.02 and plan.persons:
                corrected = to_money(rng.choice((-1, 1)) * rng.uniform(8, 45))
                balance += corrected
                yield (
                    now,
                    now,
                    SOURCE,
                    f"{code}-{stamp}-KOR",
                    unit_id,
                    period.replace(day=18),
                    period,
                    None,
                    LedgerEntry.Kind.CORRECTION,
                    comp["ZW"],
                    corrected,
                    f"KOR/{year}/{month:02d}/{plan.index + 1:06d}",
                    "Korekta opłaty za wodę – zmiana liczby osób",
                )
            # The payment of the month, by the payer's habits.
            pay = None
            if profile == "punctual":
                day, pay = rng.randint(3, 10), owed
            elif profile == "overpayer":
                day = rng.randint(1, 9)
                pay = Decimal(math.ceil(owed / 100) * 100) if owed > 0 else None
            elif profile == "late":
                day, pay = rng.randint(14, 28), owed
            else:
                day = rng.randint(5, 28)
                if k < last_index - stop_paying and rng.random() < 0.85:
                    pay = month_total if rng.random() < 0.8 else owed
            booked_on = period.replace(day=day)
            if pay is not None and pay > 0 and booked_on <= yesterday:
                balance += pay
                yield (
                    now,
                    now,
                    SOURCE,
                    f"{code}-{stamp}-WPL",
                    unit_id,
                    booked_on,
                    period,
                    None,
                    payment,
                    None,
                    to_money(pay),
                    f"WB/{year}/{month:02d}/{day:02d}",
                    "Wpłata na konto indywidualne",
                )
            # Late-payment interest at the end of each quarter in arrears.
            if month % 3 == 0 and not current and balance < Decimal("-300"):
                interest = to_money(-balance * Decimal("0.1125") / 4)
                balance -= interest
                yield (
                    now,
                    now,
                    SOURCE,
                    f"{code}-{stamp}-ODS",
                    unit_id,
                    month_end(period),
                    period,
                    add_months(period, 1).replace(day=10),
                    LedgerEntry.Kind.INTEREST,
                    None,
                    -interest,
                    f"NO/{year}/{month:02d}/{plan.index + 1:06d}",
                    "Odsetki za zwłokę",
                )

    def write_settlements(self) -> None:
        """Which payment settled which charge, for the demo accounts' units
        (the accounting system exports this pairing for them)."""
        demo_units = [p.unit_id for p in self.units if p.holder in DEMO_PARTIES]
        since = add_months(self.this_month, -24)
        entries = LedgerEntry.objects.filter(
            unit_id__in=demo_units, source=SOURCE, booking_date__gte=since
        ).order_by("unit_id", "booking_date", "id")
        settlements = []
        open_charges: dict[int, list[list]] = {}
        # What is left of payments made in advance: an account in credit
        # settles the next charges as they are booked (issue 14, item 7).
        credits: dict[int, list[list]] = {}
        for entry in entries:
            queue = open_charges.setdefault(entry.unit_id, [])
            credit = credits.setdefault(entry.unit_id, [])
            if entry.kind == LedgerEntry.Kind.CHARGE:
                owed = -entry.amount
                while owed > 0 and credit:
                    payment, left = credit[0]
                    paid = min(left, owed)
                    settlements.append((payment.pk, entry.pk, paid))
                    owed -= paid
                    credit[0][1] -= paid
                    if credit[0][1] == 0:
                        credit.pop(0)
                if owed > 0:
                    queue.append([entry, owed])
            elif entry.kind == LedgerEntry.Kind.PAYMENT:
                left = entry.amount
                while left > 0 and queue:
                    charge_entry, owed = queue[0]
                    paid = min(left, owed)
                    settlements.append((entry.pk, charge_entry.pk, paid))
                    left -= paid
                    queue[0][1] -= paid
                    if queue[0][1] == 0:
                        queue.pop(0)
                if left > 0:
                    credit.append([entry, left])
        write_rows(EntrySettlement, ("payment_id", "charge_id", "amount"), settlements)

    def write_loans(self) -> int:
        """Loans for about one cooperative flat in twelve, and for 100001."""
        planned = [
            plan
            for plan in self.units
            if plan.zone == Unit.Zone.COOPERATIVE
            and plan.kind == Unit.Kind.FLAT
            and (plan.index % 12 == 5 or plan.holder == "100001")
        ]
        loans = []
        for plan in planned:
            rng = random.Random(f"{SEED}-loan-{plan.index}")
            granted_on = add_months(self.start, rng.randint(0, 18)).replace(day=15)
            amount = Decimal(rng.randrange(20_000, 80_000, 500))
            rate = Decimal(rng.choice(("3.50", "4.25", "5.10", "6.00")))
            count = rng.choice((120, 180, 240))
            monthly_rate = rate / 1200
            instalment = to_money(
                amount * monthly_rate / (1 - (1 + monthly_rate) ** -count)
            )
            loans.append(
                (
                    plan,
                    Loan(
                        external_id=f"{PREFIX}{plan.code}-K1",
                        unit_id=plan.unit_id,
                        number=f"KM/{granted_on.year}/{plan.index + 1:05d}",
                        lender="Bank Gospodarstwa Krajowego",
                        amount_granted=amount,
                        granted_on=granted_on,
                        instalment_amount=instalment,
                        instalments_count=count,
                        interest_rate=rate,
                        interest_info=f"Oprocentowanie stałe {rate} % w skali roku, "
                        "odsetki naliczane miesięcznie, księgowane na koniec roku.",
                    ),
                )
            )
        write_instances(
            Loan,
            [loan for _plan, loan in loans],
            ("external_id", "unit_id", "number", "lender", "amount_granted",
             "granted_on", "instalment_amount", "instalments_count",
             "interest_rate", "interest_info"),
        )  # fmt: skip
        ids = dict(
            Loan.objects.filter(
                external_id__in=[loan.external_id for _plan, loan in loans]
            ).values_list("external_id", "id")
        )

        def rows():
            now, yesterday = self.now, self.today - dt.timedelta(days=1)
            for plan, loan in loans:
                rng = random.Random(f"{SEED}-loan-entries-{plan.index}")
                loan_id = ids[loan.external_id]
                outstanding = loan.amount_granted
                monthly_rate = loan.interest_rate / 1200
                interest_year = Decimal("0")
                for n in range(1, loan.instalments_count + 1):
                    due = add_months(loan.granted_on, n).replace(day=10)
                    if due > yesterday or outstanding <= 0:
                        break
                    interest_year += outstanding * monthly_rate
                    instalment = min(loan.instalment_amount, outstanding)
                    yield (
                        now,
                        now,
                        f"{loan.external_id}-R{n}",
                        loan_id,
                        due,
                        LoanEntry.Kind.INSTALMENT_DUE,
                        instalment,
                        "",
                    )
                    if rng.random() < 0.97:
                        paid_on = due - dt.timedelta(days=rng.randint(0, 6))
                        outstanding -= instalment
                        yield (
                            now,
                            now,
                            f"{loan.external_id}-S{n}",
                            loan_id,
                            paid_on,
                            LoanEntry.Kind.REPAYMENT,
                            instalment,
                            "Spłata raty",
                        )
                    if due.month == 12:
                        interest = to_money(interest_year)
                        outstanding += interest
                        interest_year = Decimal("0")
                        yield (now, now, f"{loan.external_id}-O{due.year}", loan_id,
                               dt.date(due.year, 12, 31), LoanEntry.Kind.INTEREST,
                               interest, f"Odsetki za {due.year} r.")  # fmt: skip

        write_rows(
            LoanEntry,
            (
                "created_at",
                "updated_at",
                "external_id",
                "loan_id",
                "date",
                "kind",
                "amount",
                "description",
            ),  # fmt: skip
            rows(),
        )
        return len(loans)

    def write_meters(self) -> tuple[int, int]:
        """Water meters (replaced every five years, as the law on measures
        requires), heat cost allocators in cooperative flats, a gas meter here
        and there; half-yearly water and yearly allocator readings."""
        meters: list[tuple[Meter, list[tuple[dt.date, Decimal, str]], str | None]] = []
        for plan in self.units:
            if plan.kind == Unit.Kind.GARAGE:
                continue
            rng = random.Random(f"{SEED}-meters-{plan.index}")
            water = [
                (Meter.Kind.COLD_WATER, "ZW", Decimal("8") + 5 * plan.persons),
                (Meter.Kind.HOT_WATER, "CW", Decimal("4") + 3 * plan.persons),
            ]
            for kind, prefix, per_half_year in water:
                installed = add_months(self.start, -rng.randint(0, 59)).replace(day=1)
                value = Decimal(rng.randint(20, 300))
                previous_external = None
                generation = 0
                while installed <= self.today:
                    generation += 1
                    removed = add_months(installed, 60) - dt.timedelta(days=1)
                    removed = removed if removed < self.today else None
                    external = f"{PREFIX}{plan.code}-{prefix}{generation}"
                    radio = installed.year >= self.start.year + 5
                    meter = Meter(
                        external_id=external,
                        unit_id=plan.unit_id,
                        kind=kind,
                        serial_number=f"{prefix}{rng.randint(10**7, 10**8 - 1)}",
                        location="łazienka",
                        unit_of_measure="m³",
                        installed_on=installed,
                        removed_on=removed,
                    )
                    readings = []
                    if generation > 1:
                        value = Decimal("0.000")
                    end = removed or self.today
                    source = "radio" if radio else "collector"
                    for day in self.half_years(max(installed, self.start), end):
                        value += per_half_year * Decimal(rng.uniform(0.7, 1.3))
                        readings.append((day, value.quantize(THOUSANDTH), source))
                    if removed and removed >= self.start:
                        value += per_half_year * Decimal("0.3")
                        readings.append(
                            (removed, value.quantize(THOUSANDTH), "collector")
                        )
                    meters.append((meter, readings, previous_external))
                    previous_external = external
                    if removed is None:
                        break
                    installed = removed + dt.timedelta(days=1)
            if plan.zone == Unit.Zone.COOPERATIVE and plan.kind == Unit.Kind.FLAT:
                for room in ("pokój", "kuchnia"):
                    value = Decimal(rng.randint(0, 200))
                    readings = []
                    for year in range(self.start.year, self.today.year + 1):
                        day = dt.date(year, 5, 31)
                        if self.start <= day < self.today:
                            value += Decimal(rng.randint(150, 650))
                            readings.append((day, value, "radio"))
                    meters.append(
                        (
                            Meter(
                                external_id=f"{PREFIX}{plan.code}-PO-{room[0]}",
                                unit_id=plan.unit_id,
                                kind=Meter.Kind.HEAT_ALLOCATOR,
                                serial_number=f"PO{rng.randint(10**7, 10**8 - 1)}",
                                location=room,
                                unit_of_measure="jedn.",
                                installed_on=dt.date(2009, 9, 1),
                            ),
                            readings,
                            None,
                        )
                    )
            if plan.kind == Unit.Kind.FLAT and plan.index % 7 == 0:
                value = Decimal(rng.randint(100, 2000))
                readings = []
                for day in self.half_years(self.start, self.today):
                    value += Decimal(rng.randint(40, 160))
                    readings.append((day, value, "collector"))
                meters.append(
                    (
                        Meter(
                            external_id=f"{PREFIX}{plan.code}-G",
                            unit_id=plan.unit_id,
                            kind=Meter.Kind.GAS,
                            serial_number=f"G{rng.randint(10**7, 10**8 - 1)}",
                            location="kuchnia",
                            unit_of_measure="m³",
                            installed_on=dt.date(2001, 3, 1),
                        ),
                        readings,
                        None,
                    )
                )
        # Insert replaced meters before the meters that replace them, so each
        # row can point to its predecessor without a second pass.
        ids: dict[str, int] = {}
        pending = list(meters)
        while pending:
            ready = [item for item in pending if not item[2] or item[2] in ids]
            for meter, _readings, previous in ready:
                meter.replaces_id = ids[previous] if previous else None
            write_instances(
                Meter,
                [m for m, _r, _p in ready],
                ("external_id", "unit_id", "kind", "serial_number", "location",
                 "unit_of_measure", "installed_on", "removed_on", "replaces_id"),
            )  # fmt: skip
            ids.update(
                Meter.objects.filter(external_id__startswith=PREFIX).values_list(
                    "external_id", "id"
                )
            )
            pending = [item for item in pending if item[0].external_id not in ids]

        def rows():
            now, accepted = self.now, MeterReading.Status.ACCEPTED
            for meter, readings, _previous in meters:
                meter_id = ids[meter.external_id]
                for day, value, source in readings:
                    yield (now, now, f"{meter.external_id}-{day:%Y%m%d}", meter_id,
                           day, value, source, accepted, "")  # fmt: skip

        count = write_rows(
            MeterReading,
            (
                "created_at",
                "updated_at",
                "external_id",
                "meter_id",
                "reading_date",
                "value",
                "source",
                "status",
                "review_note",
            ),  # fmt: skip
            rows(),
        )
        return len(meters), count

    def half_years(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        for year in range(start.year, end.year + 1):
            for day in (dt.date(year, 6, 30), dt.date(year, 12, 31)):
                if start <= day < end:
                    yield day

    def write_import_record(self) -> None:
        """The last import: yesterday evening, so the member area says "data as
        of" and shows this month's charges as a simulation."""
        finished = timezone.make_aware(
            dt.datetime.combine(self.today - dt.timedelta(days=1), dt.time(22, 15))
        )
        checksum = hashlib.sha256(
            f"{SEED}-{self.n_units}-{self.years}-{self.today}".encode()
        ).hexdigest()
        DataImport.objects.create(
            source=SOURCE,
            kind=DataImport.Kind.FULL,
            file_name=f"eksport_fk_{self.today - dt.timedelta(days=1):%Y%m%d}.zip",
            checksum=checksum,
            status=DataImport.Status.SUCCEEDED,
            started_at=finished - dt.timedelta(minutes=4),
            finished_at=finished,
            duration=dt.timedelta(minutes=4),
        )


def write_instances(model, objects: list, fields: tuple[str, ...], **options) -> int:
    """Unsaved model instances through the one writer (their ids are read back
    by their external keys)."""
    return write_rows(
        model,
        fields,
        (tuple(getattr(obj, name) for name in fields) for obj in objects),
        **options,
    )


# --- Personal documents (issue 18) ----------------------------------------------------

DEMO_DOCUMENT_PREFIX = "DEMO-DOK-"


def seed_documents(*, stdout) -> int:
    """A few letters (small PDFs made with ledger.pdf) for the units 100001
    and 100002 hold today: a change of charges, a settlement of water, a
    balance confirmation; the oldest one read. Replaces the earlier demo
    documents; sends no notification. Returns how many were made."""
    from ledger.documents import add_document
    from ledger.models import Estate, PersonalDocument, UnitRight
    from ledger.pdf import Document, Letterhead

    old = PersonalDocument.objects.filter(external_id__startswith=DEMO_DOCUMENT_PREFIX)
    for document in old:
        document.file.delete(save=False)
    old.delete()
    from django.utils import timezone

    today = timezone.localdate()
    estate = Estate.objects.order_by("pk").first()
    letterhead = Letterhead(
        "Spółdzielnia Mieszkaniowa (dane przykładowe)",
        [estate.office_address] if estate and estate.office_address else [],
    )
    letters = (
        (
            PersonalDocument.Kind.CHARGES_CHANGE,
            20,
            "Zawiadomienie o zmianie opłat",
            "Od pierwszego dnia przyszłego miesiąca opłata eksploatacyjna "
            "lokalu {unit} wynosi 3,20 zł za m². Pozostałe składniki opłat "
            "nie zmieniają się.",
        ),
        (
            PersonalDocument.Kind.UTILITIES_SETTLEMENT,
            75,
            "Rozliczenie wody i ścieków",
            "Rozliczenie zużycia wody w lokalu {unit} za poprzednie półrocze: "
            "zużycie 21,4 m³, nadpłata 37,40 zł zaliczona na poczet opłat.",
        ),
        (
            PersonalDocument.Kind.BALANCE_CONFIRMATION,
            340,
            "Potwierdzenie salda na koniec roku",
            "Prosimy o potwierdzenie salda rozrachunków lokalu {unit} na "
            "ostatni dzień roku albo zgłoszenie rozbieżności w IOK.",
        ),
    )
    made = 0
    rights = (
        UnitRight.objects.valid_on(today)
        .filter(party__number__in=("100001", "100002"))
        .select_related("party", "unit")
        .order_by("party__number", "unit__code")
    )
    for right in rights:
        for index, (kind, days_ago, title, text) in enumerate(letters):
            day = max(today - dt.timedelta(days=days_ago), right.valid_from)
            pdf = Document(title=title, letterhead=letterhead)
            pdf.heading(title)
            pdf.paragraph(f"{right.party.name}, {right.party.full_address}")
            pdf.paragraph(text.format(unit=right.unit))
            document = add_document(
                party=right.party,
                unit=right.unit,
                kind=kind,
                date=day,
                title=f"{title} – {right.unit}",
                content=pdf.to_bytes(),
                external_id=f"{DEMO_DOCUMENT_PREFIX}{right.pk}-{index}",
                notify=False,
            )
            if index == len(letters) - 1:
                PersonalDocument.objects.filter(pk=document.pk).update(
                    read_at=document.created_at
                )
            made += 1
    stdout.write(f"Personal documents: {made} for 100001 and 100002.\n")
    return made
