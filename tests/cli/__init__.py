"""Command line tests: `secure-ls` run as a subprocess on files made for each test."""
