#!/usr/bin/env python3
"""Writes a realistic placement CSV: Chilean RUTs with valid check digits, ~10 invoices per
debtor, amounts in CLP as Chileans write them, dates as dd/mm/yyyy, all overdue."""
import random
import sys

def rut_check(body: int) -> str:
    total, weight = 0, 2
    for digit in reversed(str(body)):
        total += int(digit) * weight
        weight = 2 if weight == 7 else weight + 1
    value = 11 - total % 11
    return {11: "0", 10: "K"}.get(value, str(value))

def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")

def main() -> None:
    rows = int(sys.argv[1])
    debtors = max(1, int(sys.argv[2]))
    out = open(sys.argv[3], "w", encoding="utf-8", newline="")
    rng = random.Random(42)
    names = ["Comercial", "Ferretería", "Distribuidora", "Inversiones", "Transportes", "Constructora", "Agrícola"]
    places = ["del Sur", "Andina", "Pacífico", "Los Lagos", "Norte Grande", "Maule", "Araucanía"]
    out.write("debtor_tax_id,debtor_name,number,issued,due,amount\n")
    for i in range(rows):
        d = i % debtors
        body = 10_000_000 + d * 37
        name = f"{names[d % 7]} {places[(d // 7) % 7]} {d} SpA"
        day = 1 + rng.randrange(28)
        month = 1 + rng.randrange(12)
        year = 2024 + rng.randrange(2)
        amount = rng.randrange(10_000, 5_000_000)
        out.write(f"{dotted(body)}-{rut_check(body)},{name},F-{i + 1:08d},{day:02d}/{month:02d}/{year},"
                  f"{min(day + 10, 28):02d}/{month:02d}/{year},\"{dotted(amount)}\"\n")

main()
