"""Drop-in replacements for the libraries the legacy app imports: change one
import line and keep the numbers."""
