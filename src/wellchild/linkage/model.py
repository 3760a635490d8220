"""The Fellegi–Sunter model: what is compared, which pairs are scored, how it is trained.

Each field gets levels from "the same" down to "different", and each level a weight
learnt from the data: ``u`` (how often unrelated children agree that well) by random
sampling, ``m`` (how often the same child does) by expectation maximisation within
blocks — no labelled pairs are needed. Levels mirror the mistakes clerks make: a
nickname (``alex`` for ``alejandro``), a day and month swapped, an apartment number left
off, a ZIP with one wrong digit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

# Candidate pairs: a true pair is lost only if every one of these fields is spoiled.
# The guardian's name is compared but not blocked on: guardians share common names, so it
# brought 40% of the pairs to score (2.3 million at 100,000 children) for four more true pairs.
PREDICTION_BLOCKS = (
    ("birth_date",),
    ("first_root", "last_name"),
    ("last_name", "zip"),
    ("first_root", "zip"),
    ("street",),
)
# EM sessions: each leaves its own blocking fields untrained, so two cover every field.
TRAINING_BLOCKS = (("birth_date",), ("first_root", "last_name"))
# Pairs surely the same child, for the prior share of matches among all pairs.
DETERMINISTIC = ("first_root", "last_name", "birth_date")
DETERMINISTIC_RECALL = 0.8
U_SAMPLE_PAIRS = 1e6
U_SEED = 1
# EM stops when no parameter moves more than this (Splink's default is 0.0001): the second
# session crept on for 23 iterations by steps too small to change a link.
EM_CONVERGENCE = 0.001


def _first_name() -> Any:
    # Splink is slow to import; only linkage needs it
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name"),
            cll.ExactMatchLevel("first_root").configure(label_for_charts="Nickname"),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.8),
            cll.ElseLevel(),
        ],
    )


def _birth_date() -> Any:
    # Splink is slow to import; only linkage needs it
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    swapped = (
        "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)"
        " AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)"
        " AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(swapped, label_for_charts="Day and month swapped"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.ElseLevel(),
        ],
    )


def _address() -> Any:
    # Splink is slow to import; only linkage needs it
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address"),
            cll.ExactMatchLevel("street").configure(label_for_charts="Same without the unit"),
            cll.JaroWinklerLevel("address", 0.9),
            cll.ElseLevel(),
        ],
    )


def _zip() -> Any:
    # Splink is slow to import; only linkage needs it
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="zip",
        comparison_levels=[
            cll.NullLevel("zip"),
            cll.ExactMatchLevel("zip"),
            cll.CustomLevel(
                "substr(zip_l, 1, 4) = substr(zip_r, 1, 4)", label_for_charts="First four digits"
            ),
            cll.ElseLevel(),
        ],
    )


def settings() -> Any:
    """Splink settings for linking two member files (``link_only``)."""
    # Splink is slow to import; only linkage needs it
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="member_id",
        comparisons=[
            _first_name(),
            cl.NameComparison("last_name"),
            _birth_date(),
            cl.ExactMatch("sex"),
            _address(),
            _zip(),
            cl.NameComparison("guardian_name"),
        ],
        blocking_rules_to_generate_predictions=[block_on(*b) for b in PREDICTION_BLOCKS],
        retain_intermediate_calculation_columns=False,
        em_convergence=EM_CONVERGENCE,
    )


def trained_linker(medical: pd.DataFrame, dental: pd.DataFrame, db_api: Any) -> Any:
    """A Splink linker over the two prepared sources, trained without labels."""
    # Splink is slow to import; only linkage needs it
    from splink import Linker, block_on

    tables: list[Any] = [medical, dental]  # Splink takes frames or table names
    linker = Linker(
        tables,
        settings(),
        db_api=db_api,
        input_table_aliases=["medical", "dental"],
        set_up_basic_logging=False,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*DETERMINISTIC)], recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=U_SEED)
    for block in TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*block))
    return linker
