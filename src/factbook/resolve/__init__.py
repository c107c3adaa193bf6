"""Resolution: names to entity ids, and claims to the stored facts they repeat or contradict."""
