"""The measure ids in the order the documentation lists them, without loading a measure
(so that ``wellchild --help`` can list them and stay quick)."""

ORDER = (
    "w30_1",
    "w30_2",
    "wcv_6m",
    "wcv",
    "oev",
    "tfl",
    "pdent",
    "adv",
    "dental_12m",
    "dental_after_pcp",
)
