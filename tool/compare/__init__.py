"""Across units and years: copied text (雷同) and year-on-year figures (同比).

``prep`` makes a section's text comparable (boilerplate, headings, our drafts, numbers and the
unit's name taken out), ``sketch`` samples its shingles into a few hundred bytes per unit,
``batch`` finds candidate pairs among thousands of units in near-linear time, ``align`` measures a
pair exactly and names the shared sentences, ``copies`` turns pairs into groups and findings,
``lastyear`` compares a report with its unit's previous one, ``yoy`` the figures offices compare.
"""
