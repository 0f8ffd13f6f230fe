"""What a run leaves behind: summary.json and the time series (`summary`), charts (`charts`, in one `style`), the
handout (`report`), each file written whole or not at all (`files`)."""
