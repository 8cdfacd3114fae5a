"""The LSP front: protocol handling only; all analysis lives in secure_ls.engine."""
