import CobranzaCore
import CobranzaStore
import Postgres
import Testing
import TestSupport

@Suite("Clients and users through the store")
struct ClientsAndUsersTests {
    let db: TestDatabase
    let admin: Session

    init() throws {
        db = try TestCluster.makeDatabase()
        admin = try Session(connection: db.connect(as: db.addPerson("boss", kind: "admin")))
    }

    @Test func adminAddsAClientWithANormalizedTaxID() throws {
        let client = try admin.clients.add(.init(code: "ACME", legalName: " Acme SpA ", taxID: "76.123.456-0", country: "cl"))
        #expect(client == ClientRecord(code: "ACME", legalName: "Acme SpA", taxID: "76.123.456-0", country: "CL", currency: "CLP", userCount: 0))
        let stored = try db.superuser().query("SELECT tax_id FROM cobranza.tenant WHERE code = 'ACME'")
        #expect(try stored.first?.decode("tax_id", as: String.self) == "76123456-0")
    }

    @Test(arguments: [
        (Clients.NewClient(code: "a", legalName: "x", taxID: "76.123.456-0", country: "CL"), "code: client code must be 2-20 characters"),
        (Clients.NewClient(code: "ACME", legalName: "", taxID: "76.123.456-0", country: "CL"), "name: must be 1-200 characters"),
        (Clients.NewClient(code: "ACME", legalName: "x", taxID: "76.123.456-1", country: "CL"), "tax_id: check digit does not match (expected 0)"),
        (Clients.NewClient(code: "ACME", legalName: "x", taxID: "76.123.456-0", country: "AR"), "country: must be one of CL, CO, MX (got \"AR\")"),
        (Clients.NewClient(code: "ACME", legalName: "x", taxID: "76.123.456-0", country: "CL", currency: "XYZ"), "currency: XYZ is not a known currency"),
    ])
    func badInputNamesTheFieldAndTheRule(_ input: Clients.NewClient, _ message: String) throws {
        let refusal = #expect(throws: StoreError.self) { try admin.clients.add(input) }
        // The store names fields as the data does; the shell turns them into its flags.
        #expect(refusal?.description == message)
        #expect(try admin.clients.list().isEmpty)
    }

    @Test func duplicatesAreRefusedByName() throws {
        try admin.clients.add(.init(code: "ACME", legalName: "Acme", taxID: "76.123.456-0", country: "CL"))
        #expect(throws: StoreError(field: "code", "client \"ACME\" already exists")) {
            try admin.clients.add(.init(code: "ACME", legalName: "Other", taxID: "96.543.210-8", country: "CL"))
        }
        #expect(throws: StoreError(field: "tax_id", "another client already has tax id 76.123.456-0 in CL")) {
            try admin.clients.add(.init(code: "ACME2", legalName: "Other", taxID: "76123456-0", country: "CL"))
        }
    }

    @Test func onlyAdminsAddClientsAndUsers() throws {
        try db.addClient("ACME")
        let collector = try Session(connection: db.connect(as: db.addPerson("ana", kind: "collector")))
        #expect(throws: StoreError("only agency admins can add clients")) {
            try collector.clients.add(.init(code: "NEW", legalName: "x", taxID: "96.543.210-8", country: "CL"))
        }
        #expect(throws: StoreError.self) {
            try collector.users.add(name: "evil_\(TestCluster.uniqueSuffix())", kind: .admin, clientCode: nil, password: "password123")
        }
        // Staff see every client; they just cannot change them.
        #expect(try collector.clients.list().map(\.code) == ["ACME"])
    }

    @Test func adminAddsPeopleWhoCanLogInAndDisablesThem() throws {
        try db.addClient("ACME")
        let name = "maria_\(TestCluster.uniqueSuffix())"
        try admin.users.add(name: name, kind: .client, clientCode: "acme", password: "s3cret-enough")
        let maria = try Session(connection: db.connect(as: name, password: "s3cret-enough"))
        #expect(maria.identity == Identity(user: name, kind: .client, clientCode: "ACME", clientName: "ACME Ltda"))
        #expect(try admin.users.list().contains { $0.name == name && $0.clientCode == "ACME" && !$0.disabled })

        try admin.users.disable(name: name)
        #expect(throws: PostgresError.self) { try db.connect(as: name, password: "s3cret-enough") }
        #expect(try admin.users.list().first { $0.name == name }?.disabled == true)
    }

    @Test func userRulesAreCheckedWithClearMessages() throws {
        #expect(throws: StoreError(field: "client", "required for role client")) {
            try admin.users.add(name: "maria_x", kind: .client, clientCode: nil, password: "password123")
        }
        #expect(throws: StoreError("password: must be at least 8 characters")) {
            try admin.users.add(name: "ana_x", kind: .collector, clientCode: nil, password: "short")
        }
        #expect(throws: StoreError("client \"NOPE\" does not exist")) {
            try admin.users.add(name: "ana_\(TestCluster.uniqueSuffix())", kind: .client, clientCode: "NOPE", password: "password123")
        }
        #expect(throws: StoreError.self) { try admin.users.disable(name: admin.identity.user) }
    }
}

@Suite("Connection plan")
struct ConnectionPlanTests {
    @Test func nothingNamedMeansTheEmbeddedDefault() {
        #expect(ConnectionPlan.resolve(.init(), environment: [:]).target == .embedded(user: nil))
        #expect(ConnectionPlan.resolve(.init(user: "maria"), environment: [:]).target == .embedded(user: "maria"))
        #expect(ConnectionPlan.resolve(.init(), environment: ["PGUSER": "ana", "PGPORT": "5433"]).target == .embedded(user: "ana"))
    }

    @Test func anyServerSettingMeansThatServer() {
        #expect(ConnectionPlan.resolve(.init(host: "db.example", user: "ana"), environment: [:]).target
            == .server(parameters: ["host": "db.example", "user": "ana", "dbname": "cobranza"]))
        #expect(ConnectionPlan.resolve(.init(), environment: ["DATABASE_URL": "postgresql://x/y"]).target
            == .server(parameters: ["dbname": "postgresql://x/y"]))
        #expect(ConnectionPlan.resolve(.init(), environment: ["PGHOST": "/run/pg", "PGDATABASE": "prod"]).target
            == .server(parameters: [:]))
        #expect(ConnectionPlan.resolve(.init(database: "service=prod"), environment: ["PGSERVICE": "x"]).target
            == .server(parameters: ["dbname": "service=prod"]))
    }
}
