"""Countries the shop ships to (ISO 3166-1 alpha-2)."""

SHIPPING_COUNTRIES = [
    ("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom"), ("IE", "Ireland"),
    ("AU", "Australia"), ("NZ", "New Zealand"), ("DE", "Germany"), ("AT", "Austria"),
    ("CH", "Switzerland"), ("FR", "France"), ("BE", "Belgium"), ("NL", "Netherlands"),
    ("LU", "Luxembourg"), ("DK", "Denmark"), ("SE", "Sweden"), ("NO", "Norway"),
    ("FI", "Finland"), ("IS", "Iceland"), ("ES", "Spain"), ("PT", "Portugal"), ("IT", "Italy"),
    ("GR", "Greece"), ("PL", "Poland"), ("CZ", "Czechia"), ("SK", "Slovakia"), ("HU", "Hungary"),
    ("SI", "Slovenia"), ("HR", "Croatia"), ("RO", "Romania"), ("BG", "Bulgaria"), ("EE", "Estonia"),
    ("LV", "Latvia"), ("LT", "Lithuania"), ("MT", "Malta"), ("CY", "Cyprus"), ("JP", "Japan"),
    ("SG", "Singapore"), ("KR", "South Korea"), ("MX", "Mexico"), ("BR", "Brazil"),
]
