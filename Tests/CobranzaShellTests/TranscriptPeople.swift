import CobranzaShell

/// The people of one transcript run, under names of their own in the cluster.
///
/// Transcripts say `ana`, `maria`, `admin`; PostgreSQL roles are cluster-wide, so two transcripts
/// running at once would create, log in as and drop each other's `ana`. pg_regress solves this
/// with a `regress_` prefix written into its expected files. Here the expected text must stay as
/// it is, and a prefix cannot be mapped back invisibly: every aligned table that shows a name
/// would be wider. So each run gets a tag character (a digit, then a letter) and its people keep their length: the last
/// letter becomes the tag (`ana` → `an3`, `admin` → `admi3`, with tag 3). Two runs' names then
/// differ in their last character, column widths are unchanged, and the output is compared with
/// the tagged names mapped back — a bijection within the run, so printing the wrong person still
/// fails.
///
/// Only the user-name places of a command are renamed (`user add NAME`, `--to USER`, `\c USER`, …,
/// as the shell's own parser and command table find them), never other words, so `--role admin` stays the
/// kind. A line where a person's name also stands elsewhere cannot be renamed word by word and is
/// refused, as is a set of names whose tagged order differs from their order (`user list` sorts
/// by name) or whose tagged forms would appear in the transcript itself.
struct TranscriptPeople: Sendable {
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// plain → tagged, and back.
    let tagged: [String: String]
    let plain: [String: String]

    /// `people`: every name the transcript logs in as or creates; `text`: the whole transcript.
    init(_ people: some Sequence<String>, tag: Int, text: String) throws {
        guard Self.tagCharacters.indices.contains(tag) else {
            throw Refused(description: "tag \(tag): one character per concurrent transcript, so at most \(Self.tagCharacters.count) (make the tag two characters to go further)")
        }
        // A name that cannot be a role (the transcript checks it is refused) is never created,
        // so it cannot collide and keeps its spelling.
        let names = Set(people).filter(Self.isRoleName).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var tagged: [String: String] = [:]
        for name in names { tagged[name] = String(name.dropLast()) + String(Self.tagCharacters[tag]) }
        let renamed = names.map { tagged[$0]! }
        // Strictly increasing in byte order (PostgreSQL's `name` sorts with the C collation):
        // distinct, and sorted as the plain names are.
        for (a, b) in zip(renamed, renamed.dropFirst()) where !a.utf8.lexicographicallyPrecedes(b.utf8) {
            throw Refused(description: "people \(names) tagged \(renamed) would collide or sort differently; rename one of them")
        }
        let words = Set(Self.words(of: text))
        for (name, tag) in tagged where name != tag && words.contains(tag) {
            throw Refused(description: "\(name)'s tagged name \(tag) appears in the transcript; it would be read back as \(name)")
        }
        self.tagged = tagged
        self.plain = Dictionary(uniqueKeysWithValues: tagged.map { ($1, $0) })
    }

    /// A run's tag: digits first, then lower-case letters (a role name keeps needing no quotes).
    /// Every tagged name of a run ends in its tag, so two runs never share one, even where a
    /// letter tag gives a name back unchanged (`ana` with tag `a`). No `d`: the fourteenth
    /// transcript made `ana` the word `and`, which every transcript's comments use.
    static let tagCharacters = Array("0123456789abcefghijklmnopqrstuvwxyz")

    static func isRoleName(_ name: String) -> Bool {
        name.wholeMatch(of: /[a-z][a-z0-9_]{1,40}/) != nil
    }

    /// The login name of a section's user.
    func login(_ name: String) -> String { tagged[name] ?? name }

    /// One command line with the people in its user-name places renamed.
    func command(_ line: String) throws -> String {
        let names = Self.userNames(in: line).filter { tagged[$0] != nil }
        guard !names.isEmpty else { return line }
        let words = Self.words(of: line)
        for name in Set(names) where words.filter({ $0 == name }).count != names.filter({ $0 == name }).count {
            throw Refused(description: "\"\(line)\": \(name) is a person here and also another word; reword the line")
        }
        return Self.replacingWords(in: line) { names.contains($0) ? tagged[$0] : nil }
    }

    /// Output with the tagged names read back as the transcript's.
    func output(_ text: String) -> String {
        Self.replacingWords(in: text) { plain[$0] }
    }

    /// The values the shell would take as user names: `\c USER`, the new name of `user add`, and
    /// the arguments and options its command table declares `.userName` (people who exist, which
    /// is why `user add`'s NAME is not one). A line it cannot parse reaches no database.
    static func userNames(in line: String) -> [String] {
        if let meta = try? MetaCommand.parse(line) {
            if case .connect(let user?) = meta { return [user] }
            return []
        }
        guard let invocation = try? CommandParser().parse(line) else { return [] }
        if invocation.spec.words == ["user", "add"] { return invocation.argument("NAME").map { [$0] } ?? [] }
        return invocation.spec.arguments.filter { $0.kind == .userName }
            .compactMap { invocation.argument($0.name.trimmingCharacters(in: ["[", "]"])) }
            + invocation.spec.options.filter { $0.kind == .userName }.compactMap { invocation.option($0.name) }
            + invocation.spec.options.filter { $0.kind == .userNames }.compactMap { invocation.option($0.name) }
                .flatMap { $0.split(separator: ",").map { String($0) } }
    }

    /// A word is a maximal run of letters, digits and `_`, so `ana` is found in `ana@agency>`
    /// and `"ana"` but not in `ana_b` or `mariana`.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    static func words(of text: String) -> [String] {
        text.split(whereSeparator: { !isWordCharacter($0) }).map(String.init)
    }

    static func replacingWords(in text: String, _ replacement: (String) -> String?) -> String {
        var result = ""
        var word = ""
        for character in text {
            if isWordCharacter(character) {
                word.append(character)
            } else {
                result += replacement(word) ?? word
                word = ""
                result.append(character)
            }
        }
        return result + (replacement(word) ?? word)
    }
}
