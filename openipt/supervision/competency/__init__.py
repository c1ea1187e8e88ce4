"""The facilitator competency tool as data, the programme's sign-off rule and rater agreement (pure Python).

`tool` reads and checks the tool files (the shipped one in `tools/`, and a site's own); `rule` says what a
trainee's latest assessment lacks for sign-off; `agreement` compares two raters' levels for one observation.
"""
