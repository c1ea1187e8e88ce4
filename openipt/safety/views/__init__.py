"""Safety pages: alerts (staff), safety plans and help (clients and staff), settings (admins)."""
