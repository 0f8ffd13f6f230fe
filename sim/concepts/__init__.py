"""What the scenario format, the model and the reports all speak of, each defined once: the interests states
value, the kinds of change an event makes, the reaction labels, and the value types a scenario is written in.

Everything else derives from these modules. Adding an interest, an effect kind or a label is one change here
(plus its test); the schema, the kernel, the charts and the reports pick it up.
"""
