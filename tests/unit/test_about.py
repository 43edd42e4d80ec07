"""Reading licences from package metadata, and naming the database without its password."""
from __future__ import annotations

from email.message import Message

import pytest

from app.services.about import NO_LICENCE, NOT_INSTALLED, component, describe_database, licence_of


def _meta(*, expression: str = "", licence: str = "", classifiers: tuple[str, ...] = ()) -> Message:
    meta = Message()
    if expression:
        meta["License-Expression"] = expression
    if licence:
        meta["License"] = licence
    for classifier in classifiers:
        meta["Classifier"] = classifier
    return meta


@pytest.mark.parametrize("meta, expected", [
    (_meta(expression="MIT", licence="ignored"), "MIT"),
    (_meta(licence="Apache 2.0", classifiers=("License :: OSI Approved :: Apache Software License",)), "Apache 2.0"),
    (_meta(licence="BSD license (see license.txt for details), Copyright (c) 2000-2025, ReportLab Inc.",
           classifiers=("License :: OSI Approved :: BSD License",)), "BSD License"),
    (_meta(licence="UNKNOWN", classifiers=("License :: Public Domain",)), "Public Domain"),
    (_meta(licence="Copyright (c) 2005, NumPy Developers.\nAll rights reserved.\n\nRedistribution and use ..."),
     "Copyright (c) 2005, NumPy Developers."),
    (_meta(), NO_LICENCE),
])
def test_the_licence_is_read_from_the_metadata_in_order_of_precision(meta, expected):
    assert licence_of(meta) == expected


def test_a_missing_distribution_says_so():
    missing = component("plate-desk-no-such-distribution")
    assert (missing.version, missing.licence) == (NOT_INSTALLED, NO_LICENCE)


@pytest.mark.parametrize("url, expected", [
    ("sqlite:////var/lib/platedesk/platedesk.db", "Embedded (this workstation only): /var/lib/platedesk/platedesk.db"),
    ("postgresql+psycopg://desk:s3cret@db.local:5433/alpr?connect_timeout=10",
     "PostgreSQL server db.local:5433, database alpr as desk"),
])
def test_the_database_is_named_without_a_password(url, expected):
    assert describe_database(url) == expected
    assert "s3cret" not in describe_database(url)
