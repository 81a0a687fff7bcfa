"""Invented people for search tests: common UK given names and surnames, mixed at random
(seeded), so a misspelt name has look-alikes to be found among."""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Archie Henry Joshua"
    " James William Thomas Ethan Isaac Lucas Mason Logan Daniel Samuel Joseph Max Dylan"
    " Adam Riley Jayden Mohammed Muhammad Ahmed Ali Omar Yusuf Ibrahim Hamza Zain Aarav"
    " Arjun Kai Tyler Kyle Connor Liam Sean Callum Lewis Jamie Ryan Nathan Luke Aaron"
    " Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Sophie Grace Evie Ruby"
    " Chloe Jessica Freya Charlotte Daisy Millie Phoebe Sienna Lucy Ellie Holly Layla"
    " Aisha Fatima Maryam Zara Hannah Amy Megan Leah Lauren Katie Caitlin Niamh Erin"
    " Kayla Jade Paige Courtney Demi Kerry Sarah Rachel Emma Laura Gemma Claire Nicola"
    " Michelle Karen Tracy Julie Helen Susan Angela Joanne Lisa Donna Stephen Mark Paul"
    " Andrew David Richard Peter Simon Gary Darren Wayne Lee Craig Neil Ian Martin Kevin"
).split()

LAST_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans"
    " Walker White Roberts Green Hall Wood Jackson Clarke Clark Patel Khan Ali Hussain Begum"
    " Ahmed Shah Singh Kaur Lewis Harris Martin Cooper King Lee Baker Hill Morris Moore"
    " Turner Parker Edwards Collins Stewart Morgan Bell Murphy Bailey Cook Richardson Cox"
    " Howard Ward Watson Marshall Hughes Gray Gibson Holmes Mills Lloyd Knight Ellis"
    " Campbell Murray Kennedy Reid Scott Anderson Fraser Grant Ross MacDonald McDonald"
    " Mackenzie McKenzie Murphy Kelly Byrne Ryan OBrien Doyle Walsh Gallagher Price Rees"
    " Pritchard Griffiths Owen Powell Jenkins Hughes Thomas Phillips Morgan Rowe Booth"
    " Hargreaves Ashworth Holt Pilkington Whitaker Sutcliffe Haworth Greenwood Barker"
    " Atkinson Hartley Crossley Horsfall Nowak Kowalski Wisniewski Popescu Yilmaz Nguyen"
    " Okafor Adeyemi Mensah Asante Osei Okonkwo Chaudhry Rahman Iqbal Akhtar Mahmood"
).split()


def look_alikes(count: int, seed: int, avoid: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """``count`` (first, last) names at random, none of them one in ``avoid``."""
    rng = random.Random(seed)
    people: list[tuple[str, str]] = []
    while len(people) < count:
        name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if name not in avoid:
            people.append(name)
    return people
