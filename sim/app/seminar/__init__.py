"""A seminar round (`run_sim.py seminar`): the class predicts from their phones what states will say and do, then
the model and, for a past episode, history answer.

`case` is what the round asks about (the event in two sentences, the actors, the model's shares, the no-model
rule's answers and, for a history episode, what the states really said and did); `store` keeps the round in one
SQLite file, written as each prediction arrives; `reveal` counts and scores; `server` serves the two pages;
`export` writes the finished round as CSV and a one-page PDF. Everything but `case`, `store` and `reveal` needs
the `seminar` extra.
"""
