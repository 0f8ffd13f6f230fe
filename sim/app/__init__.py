"""The classroom dashboard (`run_sim.py dashboard`): the model live in a browser, on Mesa's SolaraViz.

`live` is the model as the page runs it (the scenario with the sliders' settings, stepped next to its no-event
twin, measured on demand); `dashboard` is the page, which only reads from it; `serve` starts the server. The app
sits on top of the pipeline: it reads the scenario, model and measurement stages, and nothing reads it but the
command line. Everything but `live` needs the `viz` extra.
"""
