"""Extraction: normalisers (fast) and the seeds end to end with the real spaCy model (slow)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsledger.exceptions import InputError
from newsledger.extract.quantities import parse_number, quantity_before
from newsledger.extract.timex import find_timexes
from newsledger.model import Article

from conftest import SHARED, needs_shared


@pytest.mark.parametrize("text, expected", [
    ("deploy 5,000 troops", (5000, 5000, False)),
    ("moving between 1,000 to 5,000 troops", (1000, 5000, False)),
    ("sending hundreds of soldiers", (200, 900, True)),
    ("massed tens of thousands of troops", (20000, 90000, True)),
    ("moved more than 100,000 troops", (100000, None, True)),
    ("up to 350 more troops", (None, 350, True)),
    ("some 5,000 service members", (5000, 5000, True)),
    ("six landing ships", (6, 6, False)),
    ("an additional 3,000 troops", (3000, 3000, False)),
    ("a 1,000-strong battlegroup", (1000, 1000, False)),
    ("a squadron of jets", None),
    ("around 60 percent of its forces", None),
])
def test_quantities(text, expected):
    fig = quantity_before(text, text.rindex(" ") + 1)
    assert (None if fig is None else (fig.min, fig.max, fig.approx)) == expected


@pytest.mark.parametrize("raw, value", [("5,000", 5000), ("six", 6), ("1.5 million", 1_500_000), ("630bn", 630 * 10**9)])
def test_parse_number(raw, value):
    assert parse_number(raw) == value


def test_parse_number_error():
    with pytest.raises(InputError):
        parse_number("many")


PUB = dt.date(2022, 2, 16)  # a Wednesday


@pytest.mark.parametrize("text, date, precision", [
    ("said on Monday", dt.date(2022, 2, 14), "day"),
    ("last week", dt.date(2022, 2, 7), "week"),
    ("this month", dt.date(2022, 2, 1), "month"),
    ("later this year", dt.date(2022, 1, 1), "year"),
    ("starting Feb. 14", dt.date(2022, 2, 14), "day"),
    ("on Dec. 30", dt.date(2021, 12, 30), "day"),  # last December, not next
    ("on January 10, 2022", dt.date(2022, 1, 10), "day"),
    ("over the last four months", dt.date(2021, 10, 1), "month"),
])
def test_timex(text, date, precision):
    (tx,) = find_timexes(text, PUB)
    assert (tx.date, tx.precision) == (date, precision)


def test_relative_dates_need_a_publication_date():
    assert find_timexes("on Monday, last week", None) == []
    assert find_timexes("on January 10, 2022", None)[0].date == dt.date(2022, 1, 10)


def test_future_weekday_goes_forward():
    (tx,) = find_timexes("will meet on Friday", PUB, future=True)
    assert tx.date == dt.date(2022, 2, 18)


# -- end to end, real model ---------------------------------------------------------------------
_CONTEXT = "The Pentagon is sending jets to Europe. "


def _extract(text: str, published=dt.date(2022, 2, 7), context: str = _CONTEXT):
    """Mentions of `text`, read after a sentence that names the United States as the sender."""
    from newsledger.extract.pipeline import extract_articles

    ((_, mentions),) = list(extract_articles([Article("t", "test", context + text, published)], extractor="rules"))
    return [m for m in mentions if m.span.start >= len(context)]


def _consults(text: str):
    """The talks read from `text` alone."""
    return [m for m in _extract(text, context="") if m.type == "CONSULT"]


def _key(m):
    q = (m.quantity.min, m.quantity.max) if m.quantity else None
    return (m.type, m.mode, tuple(sorted(m.actor_codes)), tuple(sorted(m.recipient_codes)),
            m.location.country if m.location else None, q, m.status)


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    ("Germany will send up to 350 more troops to Lithuania, the defence minister said on Monday.",
     ("MOBILIZE", "troops", ("DEU",), ("LTU",), "LTU", (None, 350), "announced")),
    ("The Pentagon has put 8,500 troops on heightened alert.",
     ("MOBILIZE", "troops", ("USA",), (), None, (8500, 8500), "announced")),
    ("Russia has massed more than 100,000 troops near its border with Ukraine.",
     ("MOBILIZE", "troops", ("RUS",), (), "RUS", (100000, None), "completed")),
    ("Russian forces have begun to arrive in Belarus for joint exercises.",
     ("MOBILIZE", "mixed", ("RUS",), ("BLR",), "BLR", None, "underway")),
    ("The United States has no plans to send troops to Ukraine.",
     ("MOBILIZE", "troops", ("USA",), ("UKR",), "UKR", None, "negated")),
    ("Should Moscow invade, NATO would send more jets to Romania.",
     ("MOBILIZE", "aircraft", ("NATO",), ("ROU",), "ROU", None, "hypothetical")),
    # a condition before its clause binds it as one after does
    ("If Moscow attacks Kyiv, Norway will send 200 more soldiers to Lithuania.",
     ("MOBILIZE", "troops", ("NOR",), ("LTU",), "LTU", (200, 200), "hypothetical")),
    ("Norway will send 200 more soldiers to Lithuania if Moscow attacks Kyiv.",
     ("MOBILIZE", "troops", ("NOR",), ("LTU",), "LTU", (200, 200), "hypothetical")),
    # one mention per destination with its own figure
    ("Officials said three of the tankers will be deployed to Latvia, three to Poland, and two to Slovakia.",
     ("MOBILIZE", "aircraft", ("USA",), ("LVA",), "LVA", (3, 3), "announced")),
    ("Officials said three of the tankers will be deployed to Latvia, three to Poland, and two to Slovakia.",
     ("MOBILIZE", "aircraft", ("USA",), ("SVK",), "SVK", (2, 2), "announced")),
    # a place the forces come from is no destination and no sender
    ("Forty armoured vehicles were being moved from Spain to Bulgaria, and 10 tanks were moving from Italy to "
     "Hungary.", ("MOBILIZE", "armor", ("USA",), ("HUN",), "HUN", (10, 10), "underway")),
    # where forces are based describes their origin when another verb moves them
    ("The general ordered to Latvia the 900 paratroopers based at Vicenza.",
     ("MOBILIZE", "troops", ("USA",), ("LVA",), "LVA", (900, 900), "announced")),
    # presence: forces that are somewhere
    ("Officials said about 40,000 British soldiers are in Estonia.",
     ("MOBILIZE", "troops", ("GBR",), ("EST",), "EST", (40000, 40000), "completed")),
    # ... and the predicate of 'be' says how they are there
    ("Drills with 500 Danish soldiers are under way in Latvia.",
     ("MOBILIZE", "troops", ("DNK",), ("LVA",), "LVA", (500, 500), "underway")),
    # forces serving in a host are stationed there (EVENT-CONVENTIONS: MOBILIZE completed)
    ("Canadian soldiers are serving with Latvian units in Latvia.",
     ("MOBILIZE", "troops", ("CAN",), ("LVA",), "LVA", None, "completed")),
    # status cues around the trigger
    ("Officials said the alliance is likely to station more troops in Slovakia.",
     ("MOBILIZE", "troops", ("USA",), ("SVK",), "SVK", None, "considered")),
    ("Canada is working to boost its military presence in Latvia.",
     ("MOBILIZE", "mixed", ("CAN",), ("LVA",), "LVA", None, "underway")),
    ("The Navy has six frigates in Greece.",
     ("MOBILIZE", "naval", ("USA",), ("GRC",), "GRC", (6, 6), "completed")),
    # forces moving toward a state are still at home, like forces near its border
    ("Russia is moving tanks and troops toward Ukraine, analysts said.",
     ("MOBILIZE", "mixed", ("RUS",), (), "RUS", None, "underway")),
    # a reported clause whose subject the parser hung on the verb of saying
    ("A spokesman said about 900 of the marines from Camp Lejeune would go to Norway.",
     ("MOBILIZE", "troops", ("USA",), ("NOR",), "NOR", (900, 900), "announced")),
    # a bare conjunct shares its head's auxiliary: announced, not done
    ("Spain will send two frigates to Bulgaria and shift some 400 soldiers already in Italy to Hungary.",
     ("MOBILIZE", "troops", ("ESP",), ("HUN",), "HUN", (400, 400), "announced")),
    # a date after publication: not under way yet
    ("Officials said the 250 Dutch troops arriving next week would stay for six months.",
     ("MOBILIZE", "troops", ("NLD",), (), None, (250, 250), "announced")),
    # a negated verb of expecting governs the deployment
    ("It was not expected that more Danish soldiers would be deployed in Latvia.",
     ("MOBILIZE", "troops", ("DNK",), ("LVA",), "LVA", None, "negated")),
    # a state the destination is near is no destination; an inverted conditional on the governing
    # clause makes the deployment hypothetical
    ("The ministers were to discuss how to dispatch more NATO troops to states closest to Russia should "
     "Moscow attack Ukraine.", ("MOBILIZE", "troops", ("NATO",), (), None, None, "hypothetical")),
    # a build-up with no place named is on the builder's own soil (docs/CONVENTIONS.md)
    ("Satellite images show that Russia has amassed about 90,000 troops.",
     ("MOBILIZE", "troops", ("RUS",), (), "RUS", (90000, 90000), "completed")),
    ("Analysts say Belarus is gathering tanks.", ("MOBILIZE", "armor", ("BLR",), (), "BLR", None, "underway")),
    ("Russia has concentrated tanks near Ukraine, officials said.",
     ("MOBILIZE", "armor", ("RUS",), (), "RUS", None, "completed")),
    # a sender named inside the destination phrase is not the host
    ("Biden discussed options for bolstering US troop levels in the Baltics.",
     ("MOBILIZE", "troops", ("USA",), ("EST", "LTU", "LVA"), None, None, "considered")),
    # near a border: a neighbour's forces are on their own soil, a far state's on the side whose border it is
    ("Italy has deployed 300 troops near Hungary's border with Serbia.",
     ("MOBILIZE", "troops", ("ITA",), ("HUN",), "HUN", (300, 300), "completed")),
    ("Canada has deployed troops near the Latvian border.",
     ("MOBILIZE", "troops", ("CAN",), (), None, None, "completed")),
    ("Belarus has massed troops near the Ukrainian border, officials said.",
     ("MOBILIZE", "troops", ("BLR",), (), "BLR", None, "completed")),
    # a deployment refused or declined is one that does not happen
    ("Denmark refused to send troops to Georgia.", ("MOBILIZE", "troops", ("DNK",), ("GEO",), "GEO", None, "negated")),
    # "the vicinity of" a state is near it, not in it, on no side the text says
    ("Turkey sent two frigates to the vicinity of Cyprus on Monday.",
     ("MOBILIZE", "naval", ("TUR",), (), None, (2, 2), "completed")),
    # a place in another state names the host: Crimea is Ukraine's, Rukla Lithuania's (data/places.tsv)
    ("Russia has stationed 2,000 more marines in Crimea, officials said.",
     ("MOBILIZE", "troops", ("RUS",), ("UKR",), "UKR", (2000, 2000), "completed")),
    ("Germany sent 200 troops to Rukla.", ("MOBILIZE", "troops", ("DEU",), ("LTU",), "LTU", (200, 200), "completed")),
    # "from A to B" where the parse hangs "to B" on "from": B is the destination, A the origin
    ("Norway will move a company of 150 soldiers from Finland to Estonia and a squadron of 8 jets from "
     "Iceland to Lithuania.", ("MOBILIZE", "aircraft", ("NOR",), ("LTU",), "LTU", (8, 8), "announced")),
    # a return to base with no place named is to the sender's own soil
    ("Some Belarusian units have started returning to their permanent bases after the drills.",
     ("RETREAT", "troops", ("BLR",), (), "BLR", None, "underway")),
    # a formation built with no place named is built on the builder's own soil
    ("Romania is forming a brigade of some 3,000 soldiers, its ministry said.",
     ("MOBILIZE", "troops", ("ROU",), (), "ROU", (3000, 3000), "underway")),
    ("Slovakia has established a new battalion.", ("MOBILIZE", "troops", ("SVK",), (), "SVK", None, "completed")),
    # a figure an estimate gives after the forces' noun
    ("Belarus has amassed a large number of forces, thought to number upwards of 20,000 soldiers.",
     ("MOBILIZE", "mixed", ("BLR",), (), "BLR", (20000, None), "completed")),
    # "the Baltic region" is the three Baltic states (data/actors.tsv)
    ("Denmark is sending two more frigates to the Baltic region, its navy said.",
     ("MOBILIZE", "naval", ("DNK",), ("EST", "LTU", "LVA"), None, (2, 2), "underway")),
    # a place in another state than the named group of hosts is not where the forces go
    ("Scholz discussed options for bolstering German troop levels in the Baltics at Camp David.",
     ("MOBILIZE", "troops", ("DEU",), ("EST", "LTU", "LVA"), None, None, "considered")),
    # forces present somewhere are a completed deployment; "no" forces are none
    ("Moscow objects to the presence of American troops in Poland.",
     ("MOBILIZE", "troops", ("USA",), ("POL",), "POL", None, "completed")),
    ("Officials said no additional Spanish troops would be sent to Hungary.",
     ("MOBILIZE", "troops", ("ESP",), ("HUN",), "HUN", None, "negated")),
    # what is done as a rule is no event: a deployment beside it still is
    ("Slovak troops usually rotate to Latvia every six months, but Slovakia sent troops to Latvia on Monday.",
     ("MOBILIZE", "troops", ("SVK",), ("LVA",), "LVA", None, "completed")),
    # a deployment that is no build-up gets no place made up
    ("Britain will send more warships, the minister said.",
     ("MOBILIZE", "naval", ("GBR",), (), None, None, "announced")),
    # the forces a deployment includes, each with its own figure
    ("The redeployments include four Apache helicopters from Italy and a company of 120 soldiers from Spain.",
     ("MOBILIZE", "troops", ("USA",), (), None, (120, 120), "underway")),
    # two coordinated verbs at different stages are two actions: the standby is not the sending
    ("Spain is already sending more bombers and frigates to Cyprus and putting forces on standby.",
     ("MOBILIZE", "mixed", ("ESP",), (), None, None, "announced")),
])
def test_deployment_sentences(text, expected):
    assert expected in [_key(m) for m in _extract(text)]


@pytest.mark.slow
@pytest.mark.parametrize("context, text, actors", [
    # the subject of a verb of judging observes the forces, it does not send them (docs/CONVENTIONS.md)
    ("Russian tanks keep massing near the border. ",
     "Polish officials estimate that 40,000 soldiers are already in place.", ("RUS",)),
    # a copula whose forces are inside its predicate: its subject owns none of them
    ("", "Chief among Minsk's worries is the presence of American and British troops near its borders.",
     ("GBR", "USA")),
    # the state the forces are in or go to, whose minister speaks of them, hosts them: the sender is the
    # article's forces of the story
    ("Canada will send a new battlegroup. ", "Slovakia's foreign minister said that one of the battlegroups "
     "would be in Slovakia.", ("CAN",)),
    ("Canada will send a new battlegroup. ", "Slovakia's foreign minister said that no additional troops would be "
     "sent to Slovakia.", ("CAN",)),
    # a party of the clause a deployment governs (its purpose) is not its sender: the article's forces are
    ("Canada will send a new battlegroup. ", "The extra soldiers are being moved to reassure our EU partners and "
     "deter any aggression against EU member states.", ("CAN",)),
    # ... while a state's own move to its border is its own
    ("", "Poland's defence minister said that 10,000 troops would be sent to the border.", ("POL",)),
])
def test_who_judges_or_worries_about_a_deployment_is_not_its_sender(context, text, actors):
    assert [tuple(sorted(m.actor_codes)) for m in _extract(text, context=context) if m.type == "MOBILIZE"] == [actors]


@pytest.mark.slow
@pytest.mark.parametrize("text, status", [
    # the parse hangs the deployment on a negated verb that has a complement of its own: no denial
    ("“Estonia is deploying more troops because the situation at the border is tense, our unease is not getting "
     "any smaller,” the minister told a radio station.", "underway"),
    ("It was not expected that more Danish soldiers would be deployed in Latvia.", "negated"),
])
def test_a_negation_governs_only_its_own_clause(text, status):
    assert [m.status for m in _extract(text, context="") if m.type == "MOBILIZE"] == [status]


@pytest.mark.parametrize("text, kind, actors, status", [
    # a side clause with its own subject ("as", "while") states its own stage, not its main clause's "will"
    ("Norway will send more troops to Lithuania as Russia masses forces near Ukraine.", "MOBILIZE", ["RUS"],
     "underway"),
    ("Norway will send more troops to Lithuania as Russia masses forces near Ukraine.", "MOBILIZE", ["NOR"],
     "announced"),
    ("Oslo agreed to impose sanctions on Minsk while Belarusian troops attack Lithuania.", "ASSAULT", ["BLR"],
     "underway"),
    # a contrast ("not ... but ...") does not share the negation; a plain conjunct does
    ("The Danish battalion did not return to its base but moved to Latvia.", "MOBILIZE", ["DNK"], "completed"),
    ("The Danish battalion did not return to its base or move to Latvia.", "MOBILIZE", ["DNK"], "negated"),
    ("Norway will not send troops but will send jets to Lithuania.", "MOBILIZE", ["NOR"], "announced"),
])
def test_a_side_clause_has_its_own_stage(text, kind, actors, status):
    assert status in [m.status for m in _extract(text, context="") if m.type == kind and m.actor_codes == actors]


@pytest.mark.parametrize("text, kind", [
    ("The minister called the exercise a provocation.", "CONSULT"),  # a judgement, not a phone call
    ("Scholz spoke directly to the people of Russia in a televised address.", "CONSULT"),  # an audience
    ("Troops were seen near the border with occupied Crimea.", "ASSAULT"),  # a state named in passing
    ("Moscow denies that it would attack its neighbour Ukraine.", "ASSAULT"),
    ("Invading Ukraine would prove a costly mistake for the Kremlin.", "ASSAULT"),  # generic
    ("Kyiv accused Moscow of shelling a kindergarten in Donetsk.", "ASSAULT"),  # an attack alleged: the ACCUSE
    ("Macron warned of grave costs if Ukraine were to be invaded.", "ASSAULT"),  # the target, no attacker named
    ("The talks came amid US warnings about an attack on Ukraine.", "THREATEN"),  # background
    ("Fears of war have prompted several embassies in Kyiv to withdraw some personnel.", "RETREAT"),  # civilians
    ("Officials said the risk of a Russian army attack has increased.", "MOBILIZE"),  # the army names the attack
    ("Canada is threatening tough sanctions against Belarus if it attacks.", "SANCTION"),  # a threat, not imposed
    ("NATO warned that it would impose harsh sanctions on Belarus.", "SANCTION"),
    ("The EU stands ready to impose sanctions on Belarus.", "SANCTION"),
    ("Now Minsk will bear the consequences.", "THREATEN"),  # the one warned pays; nobody named warns
    ("Minsk does not want a conflict with its neighbours.", "REQUEST"),  # a speech act not made
    ("Warsaw has not accused Minsk of anything.", "ACCUSE"),
    ("Georgia is seeking to join NATO.", "REQUEST"),  # an aspiration, not a demand
    ("Kyiv said Minsk does not plan to invade Lithuania.", "REJECT"),  # said of another: no denial
    ("Belarus did not attack Lithuania.", "REJECT"),  # what has not happened is no denial
    ("Officials said Canada will withdraw the deployments from Latvia.", "MOBILIZE"),  # what a retreat undoes
    ("We must defend our allies, the Polish minister said.", "REQUEST"),  # no demand of anyone else
    ("Minsk has said that Poland must withdraw its troops from the border.", "RETREAT"),  # demanded, not made
    ("Minsk accused Warsaw of sending weapons to Vilnius.", "AID"),  # alleged: the ACCUSE's, not Minsk's aid
    ("Poland must do more to help refugees.", "REQUEST"),  # nobody named demands it
    # criticised by nobody named: not the party of the sentence before
    ("NATO ministers met in Brussels on Monday. Hungary has been criticised for its stance.", "ACCUSE"),
    # a stance toward, or an answer to, what a trigger noun names: the subject is not its actor
    ("Belarus will not leave the new sanctions unanswered, its foreign ministry said.", "SANCTION"),
    ("We firmly condemn the sanctions, the Hungarian minister said.", "SANCTION"),
    ("Kyiv fears an invasion from the north.", "ASSAULT"),
    # an attack warded off is a purpose, no event
    ("Oslo will send 200 troops to Latvia to deter a Belarusian attack.", "ASSAULT"),
    ("Oslo sent troops to Latvia to prevent an invasion by Belarus.", "ASSAULT"),
    # "insist" asserting, not demanding
    ("Minsk insisted that its troops were only training.", "REQUEST"),
])
def test_no_event(text, kind):
    assert kind not in [m.type for m in _extract(text, context="")]


@pytest.mark.parametrize("text, expected", [
    # warnings of attack: the attacker's ASSAULT, considered (docs/CONVENTIONS.md), not an ACCUSE
    ("Russia could invade Ukraine at any moment, Sullivan said on Sunday.", (("RUS",), ("UKR",), "considered", None)),
    ("Washington accuses Russia of planning to invade Ukraine.", (("RUS",), ("UKR",), "considered", None)),
    ("The West has accused Moscow of plotting an attack on Ukraine.", (("RUS",), ("UKR",), "considered", None)),
    ("The massing of troops has raised fears that Moscow would invade Ukraine.",
     (("RUS",), ("UKR",), "considered", None)),
    ("Analysts warned of a possible Russian offensive against Ukraine.", (("RUS",), ("UKR",), "considered", None)),
    ("Diplomats see a growing risk of a Russian attack on Ukraine.", (("RUS",), ("UKR",), "considered", None)),
    # an invasion "of" a state is on that state; conditional: hypothetical
    ("NATO would send more jets should Moscow order an invasion of Ukraine.",
     (("RUS",), ("UKR",), "hypothetical", None)),
    # history stated as having happened: completed, with its year (a clause about a noun dates its own verb)
    ("Moscow's annexation of Crimea from Ukraine in 2014 still shapes the crisis.",
     (("RUS",), ("UKR",), "completed", 2014)),
    ("Troops patrol the peninsula, which Russia seized from Ukraine in 2014.", (("RUS",), ("UKR",), "completed", 2014)),
    ("Moscow seems ready to repeat its 2008 invasion of Georgia.", (("RUS",), ("GEO",), "completed", 2008)),
    # an attack named by a noun or a present form goes on as reported; a past form happened
    ("Markets fell as Russian forces press their assault on Ukraine.", (("RUS",), ("UKR",), "underway", None)),
    ("Leaders condemned Russia's offensive against Ukraine.", (("RUS",), ("UKR",), "underway", None)),
    ("Russian troops attacked Ukraine from three sides.", (("RUS",), ("UKR",), "completed", None)),
    # what a clause follows has happened, whatever the clause's own stage; a side phrase names it too
    ("Canada will send more ships to the region after Russia's attack on Ukraine.",
     (("RUS",), ("UKR",), "completed", None)),
    # a passive subject is the target; only the agent attacks
    ("Ukraine was attacked by Russia before dawn.", (("RUS",), ("UKR",), "completed", None)),
    # an attack as the subject of what it would bring is conditional on it; one that would take place, foretold
    ("A Russian attack on Ukraine would be a disaster for Europe, the minister said.",
     (("RUS",), ("UKR",), "hypothetical", None)),
    ("The banker said a Russian invasion of Ukraine could push gas prices up sharply.",
     (("RUS",), ("UKR",), "hypothetical", None)),
    ("A Russian invasion of Ukraine could come within days, officials said.", (("RUS",), ("UKR",), "considered", None)),
    ("A Russian attack on Ukraine may be imminent, officials said.", (("RUS",), ("UKR",), "considered", None)),
    # "in the case of", as "in case of": conditional
    ("Oslo is weighing sanctions on Minsk in the case of a Belarusian attack on Lithuania.",
     (("BLR",), ("LTU",), "hypothetical", None)),
])
def test_attacks(text, expected):
    ms = _extract(text, context="")
    got = [(tuple(sorted(m.actor_codes)), tuple(sorted(m.recipient_codes)), m.status, m.time.date.year if m.time else None)
           for m in ms if m.type == "ASSAULT"]
    assert expected in got, got
    assert "ACCUSE" not in [m.type for m in ms], ms


@pytest.mark.parametrize("text, status", [
    # a pull-back the next sentence reports as not seen is negated (docs/CONVENTIONS.md); another next
    # sentence, or a not-seen cue two sentences on, leaves it as stated
    ("Moscow said some of its units were pulling back from the Ukrainian border. Western officials say there is "
     "no evidence of the withdrawal yet.", "negated"),
    ("Belarus said it had withdrawn two battalions from the border. NATO has not seen any sign of that.", "negated"),
    ("Moscow said some of its units were pulling back from the Ukrainian border. Western officials welcomed the "
     "step.", "underway"),
    ("Moscow said some of its units were pulling back from the Ukrainian border. Western officials welcomed the "
     "step. There is no evidence of new talks.", "underway"),
])
def test_a_pull_back_the_next_sentence_has_not_seen_is_negated(text, status):
    assert [m.status for m in _extract(text, context="") if m.type == "RETREAT"] == [status]


@pytest.mark.parametrize("text, status", [
    # what leaders will discuss is weighed; the auxiliary dates the discussion, not the sanctions
    ("EU leaders will discuss further sanctions against Russia at the summit.", "considered"),
    ("The EU will impose further sanctions against Russia.", "announced"),
])
def test_sanctions_discussed_are_considered(text, status):
    sanctions = [m for m in _extract(text, context="") if m.type == "SANCTION"]
    assert sanctions and {m.status for m in sanctions} == {status}, sanctions


@pytest.mark.parametrize("text, kind, status", [
    # an event announced as the object of 'announce' is announced (EVENT-CONVENTIONS: SANCTION decided or
    # announced); a clause it reports keeps its own stage; an attack its attacker announces is launched
    ("Norway announced new sanctions against Belarus on Monday.", "SANCTION", "announced"),
    ("The Pentagon announced the deployment of 3,000 troops to Poland.", "MOBILIZE", "announced"),
    ("Norway announced that it had sent 200 troops to Lithuania.", "MOBILIZE", "completed"),
    ("Minsk announced an offensive against Lithuania.", "ASSAULT", "underway"),
])
def test_what_is_announced(text, kind, status):
    assert [m.status for m in _extract(text, context="") if m.type == kind] == [status]


@pytest.mark.parametrize("text, status", [
    ("The European Union said it cannot accept such terms.", "completed"),  # the negation makes the rejection
    ("Kyiv said it could not accept the proposal.", "completed"),  # a negated acceptance
    ("Moscow rejected the demands on Friday.", "completed"),
])
def test_a_rejection_made_by_a_negation_happened(text, status):
    rejects = [m for m in _extract(text, context="") if m.type == "REJECT"]
    assert rejects and {m.status for m in rejects} == {status}


@pytest.mark.parametrize("text, date", [
    # a year in a clause about a noun dates the noun ("countries that joined after 1997"), not the demand
    ("Moscow demands that the alliance pull its forces out of states that joined after 1997.", None),
    ("Germany sent 300 troops to Lithuania on Monday.", dt.date(2022, 2, 7)),
])
def test_the_date_is_the_one_the_trigger_governs(text, date):
    (m,) = [m for m in _extract(text, context="") if m.type in ("REQUEST", "MOBILIZE")]
    assert (m.time.date if m.time else None) == date


@pytest.mark.parametrize("text, parties", [
    ("Blinken discussed the crisis with Lavrov on Friday.", {"USA", "RUS"}),
    # what is discussed names no party: a briefing with one's own officials is no talks
    ("Biden discussed options for more troops in the Baltics with his generals.", None),
])
def test_the_parties_of_a_discussion(text, parties):
    assert ({c for m in _consults(text) for c in m.actor_codes} or None) == parties


@pytest.mark.parametrize("text, location", [
    # a mission named after its state is no place of its last word ("Mission", a town in Texas)
    ("Blinken held talks with Lavrov at the United States Mission in Vienna.", "AUT"),
    # the White House is in the United States (not Casablanca, whose name it translates)
    ("Macron will meet Biden at the White House on Friday.", "USA"),
    # talks as the subject of the verb that says where they took place
    ("Talks between Blinken and Lavrov ended in Vienna on Friday.", "AUT"),
    # the head of the phrase names the place ("Wilson" is also a district of Chicago)
    ("Blinken held talks with Lavrov at President Wilson's Hotel in Vienna.", "AUT"),
    # where someone is, there for talks
    ("Scholz will be in Warsaw on Monday for talks with Polish leaders.", "POL"),
])
def test_where_talks_are_held(text, location):
    assert [m.location.country if m.location else None for m in _consults(text)] == [location]


@pytest.mark.parametrize("name, context, country", [
    ("Geneva", {"USA"}, "CHE"),  # not Geneva, Illinois, because the article names the United States
    ("Paris", {"USA", "FRA"}, "FRA"),
    ("Constanta", {"ROU", "USA"}, "ROU"),
])
def test_a_place_of_the_context_gives_way_to_a_far_larger_namesake(name, context, country):
    from newsledger.extract.gazetteer import load_places

    assert load_places().lookup(name, frozenset(context)).country == country


@pytest.mark.parametrize("name, found", [
    ("The", None),  # an alternate name of Teresina in geonames: an English word first
    ("Of", None),  # a Turkish town
    ("Mali", None),  # a town in China: the state's name is the state's
    ("Luxembourg", "LUX"),  # a city-state's city
    ("Kiev", "UKR"),
])
def test_english_words_and_other_states_names_are_no_places(name, found):
    from newsledger.extract.gazetteer import load_places

    entry = load_places().lookup(name)
    assert (entry.country if entry else None) == found


@pytest.mark.parametrize("name, country", [
    ("Virginia", "USA"),  # the US state (data/places.tsv), not the town of that name in South Africa
    ("Montana", "USA"),
    ("Georgia", None),  # left to the actor gazetteer: the country, not the US state
])
def test_us_states_are_places_of_the_united_states(name, country):
    from newsledger.extract.gazetteer import load_places

    entry = load_places().lookup(name)
    assert (entry.country if entry and entry.kind == "region" else None) == country


@pytest.mark.parametrize("text, host", [
    # the host of a visit is where it takes place; a state a border is shared with is no host
    ("Macron visited the French soldiers deployed near Romania's border with Ukraine.", "ROU"),
    ("Scholz will visit Kyiv next week.", "UKR"),
])
def test_a_visit_takes_place_at_its_host(text, host):
    assert [(m.recipient_codes, m.location.country if m.location else None) for m in _consults(text)] == [([host], host)]


@pytest.mark.parametrize("text, mode", [
    ("Scholz will talk to Macron by phone on Friday.", "phone"),
    ("Blinken spoke of the crisis in a telephone conversation with Lavrov.", "phone"),
    ("Scholz will talk to Macron in Paris on Friday.", "meeting"),
    # an organisation's members meeting is a multilateral session; one of its officials met is not
    ("Austin and other NATO defence chiefs will meet in Brussels next week.", "multilateral"),
    ("Blinken will meet Stoltenberg in Brussels next week.", "meeting"),
])
def test_how_talks_are_held(text, mode):
    assert [m.mode for m in _consults(text)] == [mode]


@pytest.mark.parametrize("text, status", [
    # 'be to' + infinitive schedules the talks (docs/CONVENTIONS.md: "to be held" -> announced)
    ("A call between the Danish and Russian foreign ministers is to take place on Sunday, an aide said.", "announced"),
    ("Scholz is also to speak with Macron about the crisis.", "announced"),
    ("Scholz spoke with Macron about the crisis.", "completed"),
    # a verb the talks only place ("proposed at the talks") does not weigh them; one they are the object of does
    ("Danish negotiators said they had proposed at the second round of talks with Russia that the truce must "
     "hold.", "completed"),
    ("The Danish minister proposed talks with Russia.", "considered"),
])
def test_where_talks_stand(text, status):
    assert [m.status for m in _consults(text)] == [status]


def test_a_passive_subject_is_the_target():
    """'Two Russian banks were also sanctioned': Russia is sanctioned; the sanctioner is named before."""
    text = "The United States sanctioned the head of the FSB on Monday. Two Russian banks were also sanctioned."
    late = [m for m in _extract(text, context="") if m.sentence.startswith("Two")]
    assert [(m.type, m.actor_codes, m.recipient_codes) for m in late] == [("SANCTION", ["USA"], ["RUS"])]


def test_agreeing_to_talk_is_an_agreement():
    types = {m.type for m in _extract("Russia and the United States agreed to hold more talks with each other.",
                                      context="")}
    assert "AGREE" in types


def test_a_condition_is_no_deployment():
    got = [_key(m)[:4] for m in _extract("Britain will send jets to Estonia if Russian troops cross into Ukraine.",
                                          context="")]
    assert ("MOBILIZE", "aircraft", ("GBR",), ("EST",)) in got
    assert not any(k[2] == ("RUS",) for k in got), got


@pytest.mark.parametrize("text, expected", [
    ("Scholz said he plans to hold phone talks with Putin on Friday.",
     ("CONSULT", "phone", "announced", dt.date(2022, 2, 11))),
])
def test_other_sentences(text, expected):
    got = [(m.type, m.mode, m.status, m.time.date if m.time else None) for m in _extract(text, context="")]
    assert expected in got, got


@pytest.mark.parametrize("text, expected", [
    # a warning that a state may attack is that state's ASSAULT (considered), attributed to the speaker
    ("Russia could invade Ukraine at any moment, Sullivan said on Sunday.", ("ASSAULT", ("RUS",), ("UKR",))),
    # the NATO-Russia Council is a meeting of both
    ("A session of the NATO-Russia Council opened in Brussels on Wednesday.", ("CONSULT", ("NATO", "RUS"), ())),
    # those who gather for talks are their parties
    ("Envoys from Poland and Hungary gathered in Vienna on Tuesday for talks.", ("CONSULT", ("HUN", "POL"), ())),
    # a pronoun and a named party as joint subjects: both agree
    ("Blinken said that he and Lavrov agreed the talks should continue.", ("AGREE", ("RUS", "USA"), ())),
    # an agreement reached with the other side: both are its actors, as in joint talks
    ("Macron agreed with Scholz on Tuesday that sanctions must follow.", ("AGREE", ("DEU", "FRA"), ())),
    # talks reported by one side, with the other side named
    ("Blinken said his talks with Lavrov on Friday were useful.", ("CONSULT", ("RUS", "USA"), ())),
    # a warning of costs, made by the speaker, to the state it names
    ("Russia would pay a heavy price for any invasion, Biden said on Monday.", ("THREATEN", ("USA",), ("RUS",))),
    # sanctions on a target, announced by the speaker
    ("The package includes sanctions on three Russian banks, Biden said.", ("SANCTION", ("USA",), ("RUS",))),
    # a speech act's recipient is whom it addresses, not a party named inside what is said
    ("The Kremlin wants NATO to withdraw its offer to Georgia.", ("REQUEST", ("RUS",), ("NATO",))),
    ("Moscow has denied any intention of invading Georgia.", ("REJECT", ("RUS",), ())),
    ("Minsk has repeatedly denied that it would attack Poland.", ("REJECT", ("BLR",), ())),
    ("Washington rejected Moscow's demand that NATO stop admitting Georgia.", ("REJECT", ("USA",), ("RUS",))),
    ("Poland accused Belarus of plotting a provocation against Lithuania.", ("ACCUSE", ("POL",), ("BLR",))),
    # a threatened sanction is the threat: conditional, warned of, or held ready
    ("Canada is threatening tough sanctions against Belarus if it attacks.", ("THREATEN", ("CAN",), ("BLR",))),
    ("NATO warned that it would impose harsh sanctions on Belarus.", ("THREATEN", ("NATO",), ("BLR",))),
    ("The EU stands ready to impose sanctions on Belarus.", ("THREATEN", ("EU",), ("BLR",))),
    # the attacker-to-be saying it will not attack denies it
    ("Minsk is not going to attack anyone, the Belarusian minister said.", ("REJECT", ("BLR",), ())),
    ("Belarus does not intend to invade Lithuania.", ("REJECT", ("BLR",), ())),
    # a noun naming another action: its parties are that action's, only its doer is the one spoken of
    ("Paris warned that an invasion of Georgia would bring great suffering.", ("THREATEN", ("FRA",), ())),
    ("Warsaw condemned Minsk's invasion of Lithuania.", ("ACCUSE", ("POL",), ("BLR",))),
    ("Moscow is seeking security guarantees from NATO.", ("REQUEST", ("RUS",), ("NATO",))),
    # "insist" demanding: "on" something, a "must" clause, a bare verb
    ("Minsk insisted on security guarantees from NATO.", ("REQUEST", ("BLR",), ("NATO",))),
    ("Minsk insisted that NATO withdraw its troops from Lithuania.", ("REQUEST", ("BLR",), ("NATO",))),
    # a refused proposal's owner, named by a pronoun, is the party named before (not the refuser)
    ("Lukashenko made an offer on Friday. Warsaw said it cannot accept his terms.", ("REJECT", ("POL",), ("BLR",))),
    # a sentence that goes on with "he" keeps the person named before for the pronouns after it
    ("Lukashenko wants calm. He demands that the US-led alliance leave Lithuania. Warsaw said it cannot "
     "accept his terms.", ("REJECT", ("POL",), ("BLR",))),
    # "Minsk's allies" are not Minsk
    ("Warsaw accused Minsk's allies of spreading lies.", ("ACCUSE", ("POL",), ())),
    # a lemma's y turns into ie ("deny": "denied"): the sentence prefilter still lets the sentence through
    ("The Kremlin denied the reports.", ("REJECT", ("RUS",), ())),
    ("Norway supplied weapons to Kyiv.", ("AID", ("NOR",), ("UKR",))),
    # what another "must" do, as a speaker says, is the speaker's demand of them
    ("Minsk has said that Poland must pull its troops back from the border.", ("REQUEST", ("BLR",), ("POL",))),
    # the one blamed for doing something does it
    ("Hungary has been criticised for refusing to supply arms to Ukraine.", ("REJECT", ("HUN",), ())),
    # a "we" quoted from "he" is the person named before, not the first party of the sentence before
    ("Belarusian troops have massed near Lithuania, Polish Defence Minister Mariusz Blaszczak said. \"We would "
     "urge Minsk to pull them back,\" he added.", ("REQUEST", ("POL",), ("BLR",))),
    # a quote that goes on in a sentence of its own: its "we" is the one quoted, not the first party named
    ("\"Our presence has grown in Latvia and in Estonia,\" said Mr Stoltenberg. \"We can now move more troops "
     "across Europe.\"", ("MOBILIZE", ("NATO",), ())),
    ("\u201cOur presence has grown in Latvia and in Estonia,\u201d said Mr Stoltenberg. \u201cWe urge Minsk to "
     "pull its troops back.\u201d", ("REQUEST", ("NATO",), ("BLR",))),
])
def test_parties(text, expected):
    got = [(m.type, tuple(sorted(m.actor_codes)), tuple(sorted(m.recipient_codes))) for m in _extract(text, context="")]
    assert expected in got, got




@pytest.mark.slow
def test_evidence_spans_point_into_the_text():
    text = "WARSAW — Britain is sending 350 Royal Marines to Poland, officials said on Tuesday."
    (m,) = [m for m in _extract(text) if m.type == "MOBILIZE"]
    full = _CONTEXT + text
    assert full[m.span.start:m.span.end] == m.sentence
    assert full[m.trigger.start:m.trigger.end] == "sending"
    assert full[m.quantity.span.start:m.quantity.span.end] == "350"
    assert [full[a.span.start:a.span.end] for a in m.actors] == ["Britain"]
    assert m.attribution and m.attribution.text == "officials"


@needs_shared
@pytest.mark.slow
def test_seed_deployments_come_out_right():
    """Every deployment the two seeds state, with its quantity and status."""
    from newsledger.readers import read_file

    got = []
    for name in ("000_07e83cf676274478.txt", "003_550b5e72ddc2291b.txt"):
        art = next(read_file(str(SHARED / "seeds" / name)))
        got += [_key(m) for m in _extract(art.text, art.published, context="")]
    expected = [
        ("MOBILIZE", "troops", ("USA",), ("POL", "ROU"), None, (5000, 5000), "underway"),
        ("MOBILIZE", "troops", ("GBR",), ("POL",), "POL", (200, 900), "underway"),
        ("MOBILIZE", "troops", ("DEU", "NLD", "NOR"), ("LTU",), "LTU", None, "underway"),
        ("MOBILIZE", "troops", ("USA",), (), None, (1000, 5000), "considered"),
    ]
    for e in expected:
        assert e in got, (e, got)


@pytest.mark.slow
def test_forces_referred_back_to():
    """A figure or pronoun standing for the forces of the sentence before, and 'there' for its destination."""
    text = ("Canada has deployed 500 soldiers to Latvia. They were dispatched there in reaction to the seizure of "
            "a port in 2008. This week it is adding hundreds more.")
    got = [_key(m) for m in _extract(text, context="")]
    assert ("MOBILIZE", "troops", ("CAN",), (), None, (200, 900), "underway") in got
    (later,) = [m for m in _extract(text, context="") if m.sentence.startswith("They")]
    assert (later.recipient_codes, later.time) == (["LVA"], None)


@pytest.mark.parametrize("text", [
    # a fragment whose root is a force noun, with a stative clause on it: climbing the parse from the
    # noun to a verb must stop at the root (spaCy makes a new Token object on every access, so the
    # root test compares indices, not identities)
    "The Estonian troops and the British armoured units, [which] are in the right shape to defend the country.",
    "Danish forces, based in the north, and the Swedish squadron.",
])
def test_verbless_fragments_finish(text, caplog):
    import signal

    def too_long(*_):
        raise TimeoutError("extraction did not finish")

    old = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        _extract(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert "skipped" not in caplog.text  # a sentence given up on (the pipeline logs and goes on)


def test_every_draft_field_has_a_declared_owner():
    from dataclasses import fields

    from newsledger.extract.assemble import PASSES, Draft

    inputs = {"ctx", "token", "trigger", "article_id", "published", "timexes"}
    owned = {f for p in PASSES for f in p.assigns}
    assert {f.name for f in fields(Draft)} - inputs - owned == set()
    assert owned <= {f.name for f in fields(Draft)}


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Germany will send 300 more troops to Lithuania next week, the defence ministry said.",
    "Russia could invade Ukraine at any time, a US official said on Sunday.",
    "The measures include sanctions on two Russian banks, the president said.",
    "Blinken said talks with Lavrov in Geneva were frank.",
    "NATO said it cannot accept the demands.",
    "They were shipped there by rail on Friday.",
])
def test_each_assembly_pass_writes_only_the_fields_it_declares(monkeypatch, text):
    """One field, one owner: a pass that changes a field it does not declare fails here."""
    import copy
    from dataclasses import fields

    from newsledger.extract import assemble

    inputs = {"ctx", "token", "trigger", "article_id", "published", "timexes"}
    names = [f.name for f in fields(assemble.Draft) if f.name not in inputs]
    undeclared: list[tuple[str, set[str]]] = []

    def traced(p: assemble.Pass) -> assemble.Pass:
        def run(d: assemble.Draft) -> bool:
            before = {n: copy.copy(getattr(d, n)) for n in names}
            ok = p.run(d)
            changed = {n for n in names if getattr(d, n) != before[n]}
            undeclared.append((p.name, changed - set(p.assigns)))
            return ok
        return assemble.Pass(p.name, p.assigns, run)

    monkeypatch.setattr(assemble, "PASSES", tuple(traced(p) for p in assemble.PASSES))
    _extract(text)
    assert undeclared, "no trigger reached the passes"
    assert [(name, extra) for name, extra in undeclared if extra] == []


@pytest.mark.parametrize("entry, what", [
    ({"lemma": "mass", "type": "MOBILIZE", "hom": True}, r"unknown key\(s\) \['hom'\]"),
    ({"lemma": "mass", "type": "MOVE"}, "unknown PLOVER type"),
])
def test_the_trigger_lexicon_rejects_what_it_does_not_know(entry, what):
    from newsledger.exceptions import DataFileError
    from newsledger.extract.lexicon import _trigger

    with pytest.raises(DataFileError, match=what):
        _trigger(entry, "VERB", "data/triggers.yaml")


def test_the_trigger_file_rejects_an_unknown_section():
    from newsledger.exceptions import DataFileError
    from newsledger.extract.lexicon import check_sections, load_lexicon

    assert "drills" in load_lexicon().exercise_words
    with pytest.raises(DataFileError, match=r"unknown section\(s\) \['exercise_word'\]"):
        check_sections({"verbs": [], "exercise_word": ["drill"]}, "data/triggers.yaml")


def test_the_asset_lexicon_rejects_unknown_keys():
    from newsledger.exceptions import DataFileError
    from newsledger.extract.lexicon import asset_nouns

    assert asset_nouns({"formations": {"class": "troops", "unit": "units", "formation": True, "nouns": ["brigade"]}}
                       )["brigade"].formation
    with pytest.raises(DataFileError, match=r"unknown key\(s\) \['formaton'\]"):
        asset_nouns({"formations": {"class": "troops", "formaton": True, "nouns": ["brigade"]}})


@pytest.mark.slow
@pytest.mark.parametrize("text, figures", [
    # beside a count of formations, the figure of soldiers is the contingent's; alone, the count stays
    ("Canada has deployed three combat units with some 1,200 soldiers in Latvia.", [(1200, 1200)]),
    ("The US will send an infantry battalion of 800 soldiers to Lithuania.", [(800, 800)]),
    ("Britain will send two battalions to Estonia.", [(2, 2)]),
])
def test_soldiers_counted_over_formations(text, figures):
    assert [(m.quantity.min, m.quantity.max) for m in _extract(text, context="") if m.quantity] == figures


@pytest.mark.slow
@pytest.mark.parametrize("text, mode", [
    # "forces" name no one kind of asset: mixed, as the conventions code them; soldiers are troops
    ("Germany is sending more forces to Lithuania.", "mixed"),
    ("Germany is sending more soldiers to Lithuania.", "troops"),
    ("Germany is sending special forces to Lithuania.", "troops"),
    # weapons named with the forces, no figure of their own: several kinds together
    ("Germany is moving soldiers and weapons to Lithuania.", "mixed"),
    ("Germany is moving weapons and soldiers to Lithuania.", "mixed"),
    ("Germany is moving 900 soldiers and 200 weapons to Lithuania.", "troops"),
])
def test_the_asset_class_of_forces(text, mode):
    assert [m.mode for m in _extract(text, context="") if m.type in ("MOBILIZE", "RETREAT")] == [mode]


@pytest.mark.parametrize("text, codes", [
    ("the Russian-Belarusian drills", [("RUS",), ("BLR",)]),  # both names of a compound
    ("joint Belarusian -Russian manoeuvres", [("BLR",), ("RUS",)]),
    ("US-Russian talks", [("USA",), ("RUS",)]),
    ("pro-Russian separatists", []),  # a prefix, not a second name
    ("Pro-Russian separatists", []),
    ("the NATO-Russia Council", [("NATO", "RUS")]),  # one name, not its parts again
])
def test_the_actor_gazetteer_reads_both_names_of_a_compound(text, codes):
    from newsledger.extract.gazetteer import load_actors

    assert [tuple(h.entry.codes) for h in load_actors().find(text)] == codes


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Joint drills and training are usually short-term and help keep allies ready, the Slovak ministry said.",
    "Slovak troops typically deploy to Latvia for six months.",
])
def test_what_is_done_as_a_rule_is_no_deployment(text):
    assert [m for m in _extract(text, context="") if m.type == "MOBILIZE"] == []



@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    # the movement its object is ordered to make is the event: its type, destination and figure
    ("Putin ordered his troops to return to their bases.", [("RETREAT", None, ())]),
    ("Putin ordered the troops to pull back from the border.", [("RETREAT", None, ())]),
    ("Biden ordered 3,000 troops to deploy to Poland.", [("MOBILIZE", 3000, ("POL",))]),
    # an order of forces to a state of readiness is the order (the verb "be" moves nothing)
    ("Putin ordered the strategic nuclear forces to be on special readiness.", [("MOBILIZE", None, ())]),
    ("Austin ordered 3,000 troops to Poland.", [("MOBILIZE", 3000, ("POL",))]),
])
def test_an_order_to_move_is_the_move(text, expected):
    got = [(m.type, m.quantity.min if m.quantity else None, tuple(m.recipient_codes))
           for m in _extract(text, context="") if m.type in ("MOBILIZE", "RETREAT")]
    assert got == expected


@pytest.mark.slow
@pytest.mark.parametrize("text, retreats", [
    ("Russian forces will leave Belarus after the drills.", [("RUS",)]),
    ("The last US soldiers left Afghanistan in August.", [("USA",)]),  # "left": the prefilter's irregular form
    ("NATO will leave its troops in Poland.", []),  # forces kept where they are: they are the object
    ("Russia will not leave the sanctions unanswered.", []),
])
def test_forces_leaving_a_place_retreat(text, retreats):
    assert [tuple(m.actor_codes) for m in _extract(text, context="") if m.type == "RETREAT"] == retreats
