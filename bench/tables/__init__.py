"""Tables bench: docpipe and its peers on generated and published tables (see __main__)."""
