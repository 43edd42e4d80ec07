"""Plain dataclasses and rules shared by every layer; imports nothing from the app."""
