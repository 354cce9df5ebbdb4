#!/usr/bin/env python3
"""python-stdnum's verdict on tax ids, the independent implementation TaxIDCrossCheckTests
holds cobranza's validators (Swift's TaxID, SQL's tax_id_is_valid) to.

Reads lines `CC<TAB>id` (CC: CL, CO or MX) on stdin and prints, for each, `1` if stdnum takes
the id as valid (RUT: stdnum.cl.rut; NIT: stdnum.co.nit; RFC: stdnum.mx.rfc with its check
digits on, as SAT issues them) or `0`, one line each, in order. All input is read before
anything is written, so a caller that writes everything first never blocks.
"""
import sys

from stdnum.cl import rut
from stdnum.co import nit
from stdnum.mx import rfc

VALIDATORS = {
    'CL': rut.is_valid,
    'CO': nit.is_valid,
    'MX': lambda number: rfc.is_valid(number, validate_check_digits=True),
}

lines = sys.stdin.read().splitlines()
verdicts = []
for line in lines:
    country, _, number = line.partition('\t')
    verdicts.append('1' if VALIDATORS[country](number) else '0')
sys.stdout.write(''.join(v + '\n' for v in verdicts))
