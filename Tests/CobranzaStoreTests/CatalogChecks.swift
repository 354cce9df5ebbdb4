import Postgres

/// The security model's rules as questions to the catalog, each answered with its offenders.
/// Hand-kept lists of tables and functions drift from the migrations; the catalog cannot. An
/// empty answer is the rule kept; `CatalogTests` also builds bad objects to show each question
/// can answer non-empty.
enum CatalogChecks {
    /// Tables (plain or partitioned) without both ENABLE and FORCE ROW LEVEL SECURITY: without
    /// FORCE the owner, which the SECURITY DEFINER functions run as, skips every policy.
    static func tablesWithoutForcedRowSecurity(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT c.relname AS name
              FROM pg_catalog.pg_class c
             WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
               AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
             ORDER BY 1
            """, [schema])
    }

    /// Views that run with their owner's rights: the owner is subject to the policies but holds
    /// every grant, so a definer view shows a client the columns its grants leave out.
    static func viewsNotSecurityInvoker(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT c.relname AS name
              FROM pg_catalog.pg_class c
             WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v'
               AND NOT coalesce('security_invoker=true' = ANY (c.reloptions)
                                OR 'security_invoker=on' = ANY (c.reloptions), false)
             ORDER BY 1
            """, [schema])
    }

    /// Every SECURITY DEFINER function, as `name(argument types)`.
    static func definerFunctions(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' AS name
              FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = $1::regnamespace AND p.prosecdef
             ORDER BY 1
            """, [schema])
    }

    /// SECURITY DEFINER functions whose search_path the caller still chooses: without a pinned
    /// path, a caller's own `cobranza.x` in another schema, or an object in pg_temp (searched
    /// first unless named last), runs with the owner's rights.
    static func definerFunctionsWithoutPinnedSearchPath(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' AS name
              FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = $1::regnamespace AND p.prosecdef
               AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS s(setting)
                                WHERE s.setting LIKE 'search_path=%'
                                  AND s.setting ~ '(^search_path=|,\\s*)"?pg_temp"?$')
             ORDER BY 1
            """, [schema])
    }

    /// Functions that hand out numbers: every function but a trigger's whose body names a
    /// counter table (a table of the schema called `*_counter`). Found, not listed, so a new
    /// counter's function is caught without anyone remembering to add it.
    static func numberDispensers(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' AS name
              FROM pg_catalog.pg_proc p
             WHERE \(dispenser)
             ORDER BY 1
            """, [schema])
    }

    private static let dispenser = """
        p.pronamespace = $1::regnamespace AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
                   AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                                WHERE c.relnamespace = p.pronamespace AND c.relkind IN ('r', 'p')
                                  AND c.relname LIKE '%\\_counter'
                                  AND p.prosrc ~ ('\\m' || c.relname || '\\M'))
        """

    /// The roles people act as. A number dispenser any of them may call directly lets a person
    /// draw numbers no document or case keeps: a gap in a series that must have none.
    static let personRoles = ["public", "cobranza_admin", "cobranza_collector", "cobranza_lawyer", "cobranza_client"]

    /// `function: role` for each number dispenser a person role (or PUBLIC) may EXECUTE.
    static func numberDispensersExecutableByPeople(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || '): ' || r.role AS name
              FROM pg_catalog.pg_proc p
             CROSS JOIN unnest($2::text[]) AS r(role)
             WHERE \(dispenser)
               AND pg_catalog.has_function_privilege(r.role, p.oid, 'EXECUTE')
             ORDER BY 1
            """, [schema, personRoles])
    }

    /// `table.key` for each key of a tenant table (one with a `tenant_id` column) that leaves
    /// tenant_id out: primary keys, unique and exclusion constraints, unique indexes, and foreign
    /// keys to another tenant table that do not match tenant_id to its tenant_id (or, to
    /// `tenant` itself, to its id). A key without tenant_id is a unique-violation oracle across
    /// tenants, or lets a row point into another tenant, and cannot be distributed by tenant.
    /// Foreign keys to reference tables (currency) have no tenant to match and are not asked.
    static func tenantKeysWithoutTenantID(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            WITH tenant_table AS (
                SELECT c.oid, c.relname,
                       (SELECT a.attnum FROM pg_catalog.pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant_col
                  FROM pg_catalog.pg_class c
                 WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')),
            keyed AS (
                SELECT * FROM tenant_table WHERE tenant_col IS NOT NULL)
            SELECT k.relname || '.' || con.conname AS name
              FROM keyed k JOIN pg_catalog.pg_constraint con ON con.conrelid = k.oid
             WHERE con.contype IN ('p', 'u', 'x') AND NOT k.tenant_col = ANY (con.conkey)
            UNION ALL
            SELECT k.relname || '.' || ic.relname
              FROM keyed k JOIN pg_catalog.pg_index i ON i.indrelid = k.oid
              JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
             WHERE i.indisunique AND NOT k.tenant_col = ANY (i.indkey::int2[])
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid)
            UNION ALL
            SELECT k.relname || '.' || con.conname
              FROM keyed k
              JOIN pg_catalog.pg_constraint con ON con.conrelid = k.oid AND con.contype = 'f'
              JOIN tenant_table target ON target.oid = con.confrelid
             WHERE (target.tenant_col IS NOT NULL OR target.relname = 'tenant')
               AND NOT EXISTS (
                   SELECT 1 FROM unnest(con.conkey, con.confkey) AS pair(col, ref_col)
                    WHERE pair.col = k.tenant_col
                      AND pair.ref_col = coalesce(target.tenant_col,
                              (SELECT a.attnum FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = target.oid AND a.attname = 'id')))
             ORDER BY 1
            """, [schema])
    }

    /// `table.column` for each column of the string category (text, varchar, char, name, and
    /// domains over them) of a table that no CHECK of its own runs through `single_line` or
    /// `note_text` (0016): such a column takes ESC, BEL or CR and hands them to every terminal
    /// that prints it. A constraint counts only if it is about that one column and validated.
    static func textColumnsWithoutCleanTextCheck(_ db: Connection, schema: String = "cobranza") throws -> [String] {
        try names(db, """
            SELECT c.relname || '.' || a.attname AS name
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
             WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND t.typcategory = 'S'
               AND NOT EXISTS (
                   SELECT 1 FROM pg_catalog.pg_constraint con
                    WHERE con.conrelid = c.oid AND con.contype = 'c' AND con.convalidated AND con.conkey = ARRAY[a.attnum]
                      AND pg_catalog.pg_get_constraintdef(con.oid) ~ '\\mcobranza\\.(single_line|note_text)\\(')
             ORDER BY 1
            """, [schema])
    }

    private static func names(_ db: Connection, _ sql: String, _ parameters: [(any PostgresEncodable)?]) throws -> [String] {
        try db.query(sql, parameters).rows.map { try $0.decode("name", as: String.self) }
    }
}
