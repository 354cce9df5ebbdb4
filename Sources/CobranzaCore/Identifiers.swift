/// The rules for the names people type, checked before a round trip so the error can name the
/// field and the rule; the database enforces the same rules with CHECK constraints.
public enum Identifier {
    /// A client code: `ACME`, `FERRETERIA-SUR`. Upper-case letters, digits, `-` and `_`.
    public static func validateClientCode(_ code: String) -> String? {
        let pattern = code.unicodeScalars
        guard (2...20).contains(pattern.count) else {
            return "client code must be 2-20 characters"
        }
        guard let first = pattern.first, isUpperOrDigit(first),
              pattern.allSatisfy({ isUpperOrDigit($0) || $0 == "-" || $0 == "_" })
        else {
            return "client code must use upper-case letters, digits, - and _ (and start with a letter or digit)"
        }
        return nil
    }

    /// A user name becomes a PostgreSQL role name, so it is kept to a safe lower-case alphabet.
    public static func validateUserName(_ name: String) -> String? {
        let scalars = name.unicodeScalars
        guard (2...41).contains(scalars.count), let first = scalars.first, ("a"..."z").contains(first),
              scalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else {
            return "user name must be 2-41 characters: a lowercase letter, then lowercase letters, digits or _"
        }
        if name.hasPrefix("pg_") || name.hasPrefix("cobranza") {
            return "user name must not start with pg_ or cobranza (reserved)"
        }
        return nil
    }

    private static func isUpperOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
