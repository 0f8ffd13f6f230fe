"""The model: a scenario compiled into arrays (`params`), its mathematics over a batch axis (`kernel`), many runs
at once (`engine`), and the same model as a Mesa model (`mesa_model`), equal to the bit."""
