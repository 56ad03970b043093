"""Amparo: protecting migrants before, during and after a crisis."""
