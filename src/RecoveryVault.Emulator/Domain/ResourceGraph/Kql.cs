// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Domain.ResourceGraph;

/// <summary>
/// A query the emulator's Resource Graph cannot run: a syntax error (Azure's <c>ParserFailure</c> detail, with line,
/// position and token) or a language element outside the supported subset (Azure's <c>InvalidQueryLanguage</c> detail
/// naming the token, as Resource Graph answers for an operator it does not offer, e.g. <c>parse</c>).
/// </summary>
internal sealed class KqlException(string code, string message, string token, int line, int position) : Exception(message)
{
    public string Code { get; } = code;

    public string Token { get; } = token;

    public int Line { get; } = line;

    public int Position { get; } = position;

    public static KqlException Parser(KqlToken at, string message) => new("ParserFailure", message, at.Text, at.Line, at.Column);

    public static KqlException Unsupported(KqlToken at, string what) =>
        new("InvalidQueryLanguage", $"'{at.Text}' ({what}) is not in the emulator's Resource Graph subset (docs/EMULATOR.md, \"Resource Graph\").", at.Text, at.Line, at.Column);
}

internal enum KqlTokenKind
{
    Identifier,
    String,
    Long,
    Real,
    TimeSpan,
    Symbol,
    End,
}

internal sealed record KqlToken(KqlTokenKind Kind, string Text, object? Value, int Line, int Column);

/// <summary>The tokenizer: identifiers, string literals ('…', "…", @'…'), numbers, timespans (<c>24h</c>, <c>7d</c>), operators.</summary>
internal static class KqlLexer
{
    private static readonly string[] Symbols = ["==", "!=", "=~", "!~", "<=", ">=", "~", "|", ",", "(", ")", "[", "]", ".", "=", "<", ">", "+", "-", "*", "/", "%", "!"];

    public static List<KqlToken> Tokenize(string text)
    {
        var tokens = new List<KqlToken>();
        int i = 0, line = 1, lineStart = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            var col = i - lineStart;
            if (c is '\'' or '"' || (c == '@' && i + 1 < text.Length && text[i + 1] is '\'' or '"'))
            {
                var verbatim = c == '@';
                var quote = verbatim ? text[i + 1] : c;
                var start = i;
                i += verbatim ? 2 : 1;
                var sb = new StringBuilder();
                var closed = false;
                while (i < text.Length)
                {
                    var ch = text[i];
                    if (ch == quote)
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    if (ch == '\\' && !verbatim && i + 1 < text.Length)
                    {
                        var e = text[i + 1];
                        sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
                        i += 2;
                        continue;
                    }

                    sb.Append(ch);
                    i++;
                }

                if (!closed)
                {
                    throw KqlException.Parser(new KqlToken(KqlTokenKind.Symbol, text[start..], null, line, col), "The string literal is not closed.");
                }

                tokens.Add(new KqlToken(KqlTokenKind.String, text[start..i], sb.ToString(), line, col));
                continue;
            }

            if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }

                var real = false;
                if (i + 1 < text.Length && text[i] == '.' && char.IsDigit(text[i + 1]))
                {
                    real = true;
                    i++;
                    while (i < text.Length && char.IsDigit(text[i]))
                    {
                        i++;
                    }
                }

                var number = text[start..i];
                var unitStart = i;
                while (i < text.Length && char.IsLetter(text[i]))
                {
                    i++;
                }

                var unit = text[unitStart..i];
                var value = double.Parse(number, CultureInfo.InvariantCulture);
                if (unit.Length > 0)
                {
                    TimeSpan? span = unit switch
                    {
                        "d" => TimeSpan.FromDays(value),
                        "h" => TimeSpan.FromHours(value),
                        "m" => TimeSpan.FromMinutes(value),
                        "s" => TimeSpan.FromSeconds(value),
                        "ms" => TimeSpan.FromMilliseconds(value),
                        _ => null,
                    };
                    var tok = new KqlToken(KqlTokenKind.TimeSpan, text[start..i], span, line, col);
                    tokens.Add(span is null ? throw KqlException.Parser(tok, $"'{tok.Text}' is not a number or a timespan.") : tok);
                    continue;
                }

                tokens.Add(real
                    ? new KqlToken(KqlTokenKind.Real, number, value, line, col)
                    : new KqlToken(KqlTokenKind.Long, number, long.Parse(number, CultureInfo.InvariantCulture), line, col));
                continue;
            }

            if (char.IsLetter(c) || c == '_' || c == '$')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '$'
                    || (text[i] == '-' && i + 1 < text.Length && char.IsLetter(text[i + 1]) && IsDashedKeyword(text[start..i]))))
                {
                    i++;
                }

                tokens.Add(new KqlToken(KqlTokenKind.Identifier, text[start..i], null, line, col));
                if (text[start..i] == "datetime")
                {
                    // datetime(2026-01-15T12:00:00Z): the literal inside is not an expression; it is read raw.
                    var open = i;
                    while (open < text.Length && text[open] == ' ')
                    {
                        open++;
                    }

                    var close = open < text.Length && text[open] == '(' ? text.IndexOf(')', open) : -1;
                    var inner = close > open ? text[(open + 1)..close].Trim() : null;
                    if (inner is { Length: > 0 } && inner[0] is not ('\'' or '"'))
                    {
                        tokens.Add(new KqlToken(KqlTokenKind.Symbol, "(", null, line, open - lineStart));
                        tokens.Add(new KqlToken(KqlTokenKind.String, inner, inner, line, open + 1 - lineStart));
                        tokens.Add(new KqlToken(KqlTokenKind.Symbol, ")", null, line, close - lineStart));
                        i = close + 1;
                    }
                }

                continue;
            }

            var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (symbol is null)
            {
                throw KqlException.Parser(new KqlToken(KqlTokenKind.Symbol, c.ToString(), null, line, col), $"Unexpected character '{c}'.");
            }

            tokens.Add(new KqlToken(KqlTokenKind.Symbol, symbol, null, line, col));
            i += symbol.Length;
        }

        tokens.Add(new KqlToken(KqlTokenKind.End, "<end of query>", null, line, text.Length - lineStart));
        return tokens;
    }

    // KQL's dashed operator names (project-away, mv-expand, make-series…) are one token, so an unsupported one is
    // named whole in the error; a minus between two columns stays a minus.
    private static bool IsDashedKeyword(string word) => word is "project" or "mv" or "make" or "top";
}

/// <summary>An expression of the subset.</summary>
internal abstract record KqlExpr;

internal sealed record KqlLiteral(object? Value) : KqlExpr;

internal sealed record KqlColumn(string Name) : KqlExpr;

internal sealed record KqlMember(KqlExpr Target, string Name) : KqlExpr;

internal sealed record KqlIndex(KqlExpr Target, KqlExpr Key) : KqlExpr;

internal sealed record KqlCall(string Name, IReadOnlyList<KqlExpr> Args, KqlToken At) : KqlExpr;

internal sealed record KqlBinary(string Op, KqlExpr Left, KqlExpr Right) : KqlExpr;

internal sealed record KqlInList(bool Negated, bool CaseInsensitive, KqlExpr Left, IReadOnlyList<KqlExpr> Items) : KqlExpr;

internal sealed record KqlUnary(string Op, KqlExpr Operand) : KqlExpr;

/// <summary>One <c>name = expr</c> of project/extend/summarize (name inferred when absent).</summary>
internal sealed record KqlAssignment(string Name, KqlExpr Expr);

internal sealed record KqlSortKey(KqlExpr Expr, bool Descending);

internal abstract record KqlOperator;

internal sealed record KqlWhere(KqlExpr Predicate) : KqlOperator;

internal sealed record KqlProject(IReadOnlyList<KqlAssignment> Columns) : KqlOperator;

internal sealed record KqlExtend(IReadOnlyList<KqlAssignment> Columns) : KqlOperator;

internal sealed record KqlSummarize(IReadOnlyList<KqlAssignment> Aggregates, IReadOnlyList<KqlAssignment> By) : KqlOperator;

internal sealed record KqlSort(IReadOnlyList<KqlSortKey> Keys) : KqlOperator;

internal sealed record KqlTake(long Count) : KqlOperator;

internal sealed record KqlTop(long Count, KqlSortKey Key) : KqlOperator;

internal sealed record KqlCount : KqlOperator;

internal sealed record KqlDistinct(IReadOnlyList<KqlAssignment> Columns) : KqlOperator;

/// <summary>A parsed query: the table (Resource Graph's default is <c>Resources</c>) and its operators in order.</summary>
internal sealed record KqlQuery(string Table, KqlToken TableToken, IReadOnlyList<KqlOperator> Operators)
{
    /// <summary>
    /// The resource types the query can return, when its leading <c>where</c>s pin the <c>type</c> column (<c>type ==</c>,
    /// <c>=~</c> or <c>in</c>/<c>in~</c> string literals, joined by <c>and</c>), lower-cased; null when any type may
    /// pass. Lets the table skip building rows that the first filter would drop, as an index on type would.
    /// </summary>
    public IReadOnlySet<string>? Types()
    {
        HashSet<string>? types = null;
        foreach (var op in Operators)
        {
            if (op is not KqlWhere w)
            {
                break;
            }

            foreach (var term in Conjuncts(w.Predicate))
            {
                var allowed = TypesOf(term);
                if (allowed is null)
                {
                    continue;
                }

                if (types is null)
                {
                    types = allowed;
                }
                else
                {
                    types.IntersectWith(allowed);
                }
            }
        }

        return types;
    }

    private static IEnumerable<KqlExpr> Conjuncts(KqlExpr e) =>
        e is KqlBinary { Op: "and" } b ? Conjuncts(b.Left).Concat(Conjuncts(b.Right)) : [e];

    // Case-sensitive == on a type that is not lower case matches nothing, as Resource Graph's lower-cased column would.
    private static HashSet<string>? TypesOf(KqlExpr term) => term switch
    {
        KqlBinary { Op: "==", Left: KqlColumn { Name: "type" }, Right: KqlLiteral { Value: string t } } =>
            new(StringComparer.Ordinal) { t },
        KqlBinary { Op: "=~", Left: KqlColumn { Name: "type" }, Right: KqlLiteral { Value: string t } } =>
            new(StringComparer.Ordinal) { t.ToLowerInvariant() },
        KqlInList { Negated: false, Left: KqlColumn { Name: "type" } } list when list.Items.All(i => i is KqlLiteral { Value: string }) =>
            new(list.Items.Select(i => (string)((KqlLiteral)i).Value!).Select(t => list.CaseInsensitive ? t.ToLowerInvariant() : t), StringComparer.Ordinal),
        _ => null,
    };
}

/// <summary>Recursive-descent parser of the subset (precedence: or, and, comparison, additive, multiplicative, unary, postfix).</summary>
internal sealed class KqlParser
{
    // Tabular operators of KQL that Resource Graph (or Kusto) has but the emulator does not: named in the error.
    private static readonly HashSet<string> KnownUnsupportedOperators = new(StringComparer.Ordinal)
    {
        "join", "union", "mv-expand", "mvexpand", "parse", "project-away", "project-keep", "project-rename", "project-reorder",
        "make-series", "render", "evaluate", "lookup", "as", "invoke", "serialize", "sample", "search", "find", "getschema",
        "top-nested", "top-hitters", "range", "print", "let", "externaldata", "facet", "fork", "partition", "scan", "reduce",
    };

    private readonly List<KqlToken> _t;
    private int _p;

    private KqlParser(List<KqlToken> tokens) => _t = tokens;

    public static KqlQuery Parse(string text)
    {
        var parser = new KqlParser(KqlLexer.Tokenize(text));
        return parser.ParseQuery();
    }

    private KqlToken Peek => _t[_p];

    private KqlToken Next() => _t[_p++];

    private bool IsSymbol(string s) => Peek.Kind == KqlTokenKind.Symbol && Peek.Text == s;

    private bool IsWord(string w) => Peek.Kind == KqlTokenKind.Identifier && Peek.Text == w;

    private KqlToken Expect(string symbol)
    {
        if (!IsSymbol(symbol))
        {
            throw KqlException.Parser(Peek, $"'{symbol}' expected, found '{Peek.Text}'.");
        }

        return Next();
    }

    private KqlToken ExpectWord(string word)
    {
        if (!IsWord(word))
        {
            throw KqlException.Parser(Peek, $"'{word}' expected, found '{Peek.Text}'.");
        }

        return Next();
    }

    private string Identifier()
    {
        if (Peek.Kind == KqlTokenKind.Identifier)
        {
            return Next().Text;
        }

        if (IsSymbol("[") && _t[_p + 1].Kind == KqlTokenKind.String && _t[_p + 2].Text == "]")
        {
            Next();
            var name = (string)Next().Value!;
            Next();
            return name;
        }

        throw KqlException.Parser(Peek, $"A name was expected, found '{Peek.Text}'.");
    }

    private KqlQuery ParseQuery()
    {
        var table = "Resources";
        var tableToken = Peek;
        var ops = new List<KqlOperator>();
        if (Peek.Kind == KqlTokenKind.Identifier && !IsOperatorName(Peek.Text))
        {
            tableToken = Next();
            table = tableToken.Text;
        }
        else if (Peek.Kind != KqlTokenKind.End)
        {
            // "where …" or "| where …" without a table: Resource Graph runs it over Resources.
            if (IsSymbol("|"))
            {
                Next();
            }

            ops.Add(ParseOperator());
        }

        while (Peek.Kind != KqlTokenKind.End)
        {
            Expect("|");
            ops.Add(ParseOperator());
        }

        return new KqlQuery(table, tableToken, ops);
    }

    private static bool IsOperatorName(string name) =>
        name is "where" or "filter" or "project" or "extend" or "summarize" or "order" or "sort" or "take" or "limit" or "count" or "top" or "distinct"
        || KnownUnsupportedOperators.Contains(name);

    private KqlOperator ParseOperator()
    {
        var at = Peek;
        if (at.Kind != KqlTokenKind.Identifier)
        {
            throw KqlException.Parser(at, $"A query operator was expected, found '{at.Text}'.");
        }

        Next();
        switch (at.Text)
        {
            case "where" or "filter":
                return new KqlWhere(ParseExpr());
            case "project":
                return new KqlProject(ParseAssignments(requireName: false));
            case "extend":
                return new KqlExtend(ParseAssignments(requireName: false));
            case "summarize":
                {
                    var aggs = IsWord("by") ? [] : ParseAssignments(requireName: false);
                    var by = new List<KqlAssignment>();
                    if (IsWord("by"))
                    {
                        Next();
                        by = ParseAssignments(requireName: false);
                    }

                    foreach (var a in aggs)
                    {
                        if (a.Expr is not KqlCall call || !KqlEvaluator.IsAggregate(call.Name))
                        {
                            throw KqlException.Parser(at, $"summarize needs aggregation functions (count(), countif(), dcount(), sum(), min(), max()); '{a.Name}' is not one.");
                        }
                    }

                    return new KqlSummarize(aggs, by);
                }

            case "order" or "sort":
                {
                    ExpectWord("by");
                    var keys = new List<KqlSortKey> { ParseSortKey() };
                    while (IsSymbol(","))
                    {
                        Next();
                        keys.Add(ParseSortKey());
                    }

                    return new KqlSort(keys);
                }

            case "take" or "limit":
                return new KqlTake(ParseCount());
            case "top":
                {
                    var n = ParseCount();
                    ExpectWord("by");
                    return new KqlTop(n, ParseSortKey());
                }

            case "count":
                return new KqlCount();
            case "distinct":
                return new KqlDistinct(ParseAssignments(requireName: false));
            default:
                if (KnownUnsupportedOperators.Contains(at.Text))
                {
                    throw KqlException.Unsupported(at, "query operator");
                }

                throw KqlException.Parser(at, $"'{at.Text}' is not a query operator.");
        }
    }

    private long ParseCount()
    {
        var tok = Next();
        if (tok.Kind != KqlTokenKind.Long || (long)tok.Value! < 0)
        {
            throw KqlException.Parser(tok, $"A non-negative whole number was expected, found '{tok.Text}'.");
        }

        return (long)tok.Value!;
    }

    private KqlSortKey ParseSortKey()
    {
        var e = ParseExpr();
        var desc = true; // KQL sorts descending unless told otherwise
        if (IsWord("asc"))
        {
            Next();
            desc = false;
        }
        else if (IsWord("desc"))
        {
            Next();
        }

        if (IsWord("nulls"))
        {
            throw KqlException.Unsupported(Peek, "sort option");
        }

        return new KqlSortKey(e, desc);
    }

    private List<KqlAssignment> ParseAssignments(bool requireName)
    {
        var list = new List<KqlAssignment>();
        var unnamed = 0;
        do
        {
            if (list.Count > 0)
            {
                Next();
            }

            if ((Peek.Kind == KqlTokenKind.Identifier || IsSymbol("[")) && LooksLikeAssignment())
            {
                var name = Identifier();
                Expect("=");
                list.Add(new KqlAssignment(name, ParseExpr()));
            }
            else if (requireName)
            {
                throw KqlException.Parser(Peek, "'name = expression' expected.");
            }
            else
            {
                var e = ParseExpr();
                list.Add(new KqlAssignment(KqlEvaluator.InferName(e, ref unnamed), e));
            }
        }
        while (IsSymbol(","));
        return list;
    }

    /// <summary>Comma-separated items after an opening '(' already read, up to and including the ')'; none for "()".</summary>
    private List<KqlExpr> ParseListToClose(Func<KqlExpr> item)
    {
        var items = new List<KqlExpr>();
        if (!IsSymbol(")"))
        {
            items.Add(item());
            while (IsSymbol(","))
            {
                Next();
                items.Add(item());
            }
        }

        Expect(")");
        return items;
    }

    private bool LooksLikeAssignment()
    {
        if (Peek.Kind == KqlTokenKind.Identifier)
        {
            return _t[_p + 1].Kind == KqlTokenKind.Symbol && _t[_p + 1].Text == "=";
        }

        return _t[_p + 3].Kind == KqlTokenKind.Symbol && _t[_p + 3].Text == "=";
    }

    private KqlExpr ParseExpr() => ParseOr();

    private KqlExpr ParseOr()
    {
        var left = ParseAnd();
        while (IsWord("or"))
        {
            Next();
            left = new KqlBinary("or", left, ParseAnd());
        }

        return left;
    }

    private KqlExpr ParseAnd()
    {
        var left = ParseComparison();
        while (IsWord("and"))
        {
            Next();
            left = new KqlBinary("and", left, ParseComparison());
        }

        return left;
    }

    private static readonly HashSet<string> WordOperators = new(StringComparer.Ordinal)
    {
        "has", "!has", "has_cs", "!has_cs", "contains", "!contains", "contains_cs", "!contains_cs", "startswith", "!startswith",
        "startswith_cs", "!startswith_cs", "endswith", "!endswith", "endswith_cs", "!endswith_cs", "in", "!in", "in~", "!in~",
    };

    private static readonly HashSet<string> UnsupportedWordOperators = new(StringComparer.Ordinal)
    {
        "matches", "has_any", "has_all", "hasprefix", "hassuffix", "between", "!between", "like",
    };

    private KqlExpr ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            if (Peek.Kind == KqlTokenKind.Symbol && Peek.Text is "==" or "!=" or "=~" or "!~" or "<" or "<=" or ">" or ">=")
            {
                var op = Next().Text;
                left = new KqlBinary(op, left, ParseAdditive());
                continue;
            }

            var word = PeekWordOperator(out var length);
            if (word is null)
            {
                return left;
            }

            var at = Peek;
            _p += length;
            if (UnsupportedWordOperators.Contains(word.TrimStart('!')))
            {
                throw KqlException.Unsupported(at, "string operator");
            }

            if (word is "in" or "!in" or "in~" or "!in~")
            {
                Expect("(");
                var items = ParseListToClose(ParseAdditive);
                left = new KqlInList(word.StartsWith('!'), word.EndsWith('~'), left, items);
                continue;
            }

            left = new KqlBinary(word, left, ParseAdditive());
        }
    }

    // Negated and case-insensitive word operators are several tokens: '!' 'has', 'in' '~', '!' 'in' '~'.
    private string? PeekWordOperator(out int length)
    {
        length = 0;
        var negated = IsSymbol("!") && _t[_p + 1].Kind == KqlTokenKind.Identifier;
        var wordToken = negated ? _t[_p + 1] : Peek;
        if (wordToken.Kind != KqlTokenKind.Identifier)
        {
            return null;
        }

        var word = (negated ? "!" : string.Empty) + wordToken.Text;
        length = negated ? 2 : 1;
        if (wordToken.Text == "in" && _t[_p + length].Kind == KqlTokenKind.Symbol && _t[_p + length].Text == "~")
        {
            length++;
            word += "~";
        }

        if (WordOperators.Contains(word) || UnsupportedWordOperators.Contains(wordToken.Text))
        {
            return word;
        }

        length = 0;
        return null;
    }

    private KqlExpr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (IsSymbol("+") || IsSymbol("-"))
        {
            var op = Next().Text;
            left = new KqlBinary(op, left, ParseMultiplicative());
        }

        return left;
    }

    private KqlExpr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%"))
        {
            var op = Next().Text;
            left = new KqlBinary(op, left, ParseUnary());
        }

        return left;
    }

    private KqlExpr ParseUnary()
    {
        if (IsSymbol("-"))
        {
            Next();
            return new KqlUnary("-", ParseUnary());
        }

        return ParsePostfix(ParsePrimary());
    }

    private KqlExpr ParsePostfix(KqlExpr e)
    {
        while (true)
        {
            if (IsSymbol("."))
            {
                Next();
                e = new KqlMember(e, Identifier());
            }
            else if (IsSymbol("["))
            {
                Next();
                var key = ParseExpr();
                Expect("]");
                e = new KqlIndex(e, key);
            }
            else
            {
                return e;
            }
        }
    }

    private KqlExpr ParsePrimary()
    {
        var tok = Peek;
        switch (tok.Kind)
        {
            case KqlTokenKind.String:
            case KqlTokenKind.Long:
            case KqlTokenKind.Real:
            case KqlTokenKind.TimeSpan:
                Next();
                return new KqlLiteral(tok.Value);
            case KqlTokenKind.Identifier:
                Next();
                if (tok.Text is "true" or "false")
                {
                    return new KqlLiteral(tok.Text == "true");
                }

                if (tok.Text == "not" && IsSymbol("("))
                {
                    Next();
                    var inner = ParseExpr();
                    Expect(")");
                    return new KqlUnary("not", inner);
                }

                if (IsSymbol("("))
                {
                    Next();
                    var args = ParseListToClose(ParseExpr);
                    KqlEvaluator.CheckFunction(tok, args.Count);
                    return new KqlCall(tok.Text, args, tok);
                }

                return new KqlColumn(tok.Text);
            case KqlTokenKind.Symbol when tok.Text == "(":
                {
                    Next();
                    var inner = ParseExpr();
                    Expect(")");
                    return inner;
                }

            default:
                throw KqlException.Parser(tok, $"An expression was expected, found '{tok.Text}'.");
        }
    }
}

/// <summary>Runs a parsed query over rows (JSON objects); values are KQL scalars (string, long, double, bool, datetime, timespan) or dynamic JSON.</summary>
internal sealed class KqlEvaluator(DateTimeOffset now)
{
    private static readonly Dictionary<string, (int Min, int Max)> Functions = new(StringComparer.Ordinal)
    {
        ["tostring"] = (1, 1), ["todatetime"] = (1, 1), ["datetime"] = (1, 1), ["tolower"] = (1, 1), ["toupper"] = (1, 1), ["tolong"] = (1, 1), ["toint"] = (1, 1),
        ["toreal"] = (1, 1), ["todouble"] = (1, 1), ["tobool"] = (1, 1), ["isempty"] = (1, 1), ["isnotempty"] = (1, 1), ["isnull"] = (1, 1),
        ["isnotnull"] = (1, 1), ["ago"] = (1, 1), ["now"] = (0, 0), ["strcat"] = (1, 64), ["iff"] = (3, 3), ["iif"] = (3, 3),
        ["coalesce"] = (1, 64), ["strlen"] = (1, 1), ["array_length"] = (1, 1), ["split"] = (2, 3), ["bin"] = (2, 2),
        ["count"] = (0, 0), ["countif"] = (1, 1), ["dcount"] = (1, 1), ["sum"] = (1, 1), ["min"] = (1, 1), ["max"] = (1, 1), ["any"] = (1, 1),
    };

    public static bool IsAggregate(string name) => name is "count" or "countif" or "dcount" or "sum" or "min" or "max" or "any";

    public static void CheckFunction(KqlToken at, int args)
    {
        if (!Functions.TryGetValue(at.Text, out var arity))
        {
            throw KqlException.Unsupported(at, "function");
        }

        if (args < arity.Min || args > arity.Max)
        {
            throw KqlException.Parser(at, $"{at.Text}() takes {(arity.Min == arity.Max ? arity.Min.ToString(CultureInfo.InvariantCulture) : $"{arity.Min} to {arity.Max}")} argument(s), not {args}.");
        }
    }

    /// <summary>
    /// The column name Kusto gives an unnamed expression: a column keeps its name, a path joins its parts with '_'
    /// (<c>tostring(properties.a.b)</c> is <c>properties_a_b</c>, as in the "Access a properties field" example), an
    /// aggregate is <c>count_</c>, <c>countif_</c> or <c>{fn}_{column}</c> (the "Complex query" example's <c>count_</c>).
    /// </summary>
    public static string InferName(KqlExpr e, ref int unnamed)
    {
        var path = PathName(e);
        if (path is not null)
        {
            return path;
        }

        if (e is KqlCall call)
        {
            if (call.Name is "count" or "countif")
            {
                return call.Name + "_";
            }

            if (IsAggregate(call.Name) && PathName(call.Args[0]) is { } arg)
            {
                return call.Name + "_" + arg;
            }

            if (call.Args.Count == 1 && PathName(call.Args[0]) is { } inner)
            {
                return inner;
            }
        }

        unnamed++;
        return "Column" + unnamed.ToString(CultureInfo.InvariantCulture);
    }

    private static string? PathName(KqlExpr e) => e switch
    {
        KqlColumn c => c.Name,
        KqlMember m => PathName(m.Target) is { } t ? t + "_" + m.Name : null,
        KqlIndex { Key: KqlLiteral { Value: string k } } i => PathName(i.Target) is { } t ? t + "_" + k : null,
        _ => null,
    };

    /// <summary>Runs the operators over the table's rows. Rows are not modified; operators that reshape build new ones.</summary>
    public List<JsonObject> Run(KqlQuery query, IEnumerable<JsonObject> rows)
    {
        IEnumerable<JsonObject> current = rows;
        foreach (var op in query.Operators)
        {
            current = op switch
            {
                KqlWhere w => current.Where(r => Truthy(Eval(w.Predicate, r))).ToList(),
                KqlProject p => current.Select(r => Shape(p.Columns, r, null)).ToList(),
                KqlExtend x => current.Select(r => Shape(x.Columns, r, r)).ToList(),
                KqlSummarize s => Summarize(s, current),
                KqlSort s => Sort(current, s.Keys),
                KqlTake t => current.Take((int)Math.Min(int.MaxValue, t.Count)).ToList(),
                KqlTop t => Sort(current, [t.Key]).Take((int)Math.Min(int.MaxValue, t.Count)).ToList(),
                KqlCount => [new JsonObject { ["Count"] = current.LongCount() }],
                KqlDistinct d => Summarize(new KqlSummarize([], d.Columns), current),
                _ => throw new InvalidOperationException(op.GetType().Name),
            };
        }

        return current as List<JsonObject> ?? current.ToList();
    }

    private JsonObject Shape(IReadOnlyList<KqlAssignment> columns, JsonObject row, JsonObject? keep)
    {
        var result = new JsonObject();
        if (keep is not null)
        {
            foreach (var (k, v) in keep)
            {
                result[k] = v?.DeepClone();
            }
        }

        foreach (var c in columns)
        {
            result[c.Name] = ToNode(Eval(c.Expr, row));
        }

        return result;
    }

    private List<JsonObject> Summarize(KqlSummarize s, IEnumerable<JsonObject> rows)
    {
        var groups = new Dictionary<string, (object?[] Keys, List<JsonObject> Rows)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var r in rows)
        {
            var keys = s.By.Select(b => Eval(b.Expr, r)).ToArray();
            var key = string.Join("\u0001", keys.Select(k => ToNode(k)?.ToJsonString() ?? "null"));
            if (!groups.TryGetValue(key, out var g))
            {
                g = (keys, []);
                groups[key] = g;
                order.Add(key);
            }

            g.Rows.Add(r);
        }

        // A summarize with no "by" over no rows still answers one row (count_ = 0), as Kusto does.
        if (s.By.Count == 0 && groups.Count == 0)
        {
            groups[string.Empty] = ([], []);
            order.Add(string.Empty);
        }

        var result = new List<JsonObject>();
        foreach (var key in order)
        {
            var (keys, members) = groups[key];
            var row = new JsonObject();
            for (var i = 0; i < s.By.Count; i++)
            {
                row[s.By[i].Name] = ToNode(keys[i]);
            }

            foreach (var a in s.Aggregates)
            {
                row[a.Name] = ToNode(Aggregate((KqlCall)a.Expr, members));
            }

            result.Add(row);
        }

        return result;
    }

    private object? Aggregate(KqlCall call, List<JsonObject> rows)
    {
        switch (call.Name)
        {
            case "count":
                return (long)rows.Count;
            case "countif":
                return (long)rows.Count(r => Truthy(Eval(call.Args[0], r)));
            case "dcount":
                return (long)rows.Select(r => ToNode(Eval(call.Args[0], r))?.ToJsonString() ?? "null").Distinct(StringComparer.Ordinal).Count();
            case "sum":
                {
                    var values = rows.Select(r => Eval(call.Args[0], r)).Where(v => v is long or double).ToList();
                    return values.All(v => v is long) ? values.Sum(v => (long)v!) : values.Sum(v => Convert.ToDouble(v, CultureInfo.InvariantCulture));
                }

            case "any":
                return rows.Count == 0 ? null : Eval(call.Args[0], rows[0]);
            default:
                {
                    object? best = null;
                    foreach (var r in rows)
                    {
                        var v = Eval(call.Args[0], r);
                        if (v is null)
                        {
                            continue;
                        }

                        if (best is null || (call.Name == "min" ? Compare(v, best) < 0 : Compare(v, best) > 0))
                        {
                            best = v;
                        }
                    }

                    return best;
                }
        }
    }

    private List<JsonObject> Sort(IEnumerable<JsonObject> rows, IReadOnlyList<KqlSortKey> keys)
    {
        var list = rows.Select(r => (Row: r, Keys: keys.Select(k => Eval(k.Expr, r)).ToArray())).ToList();
        var indexed = list.Select((x, i) => (x.Row, x.Keys, i)).ToList();
        indexed.Sort((a, b) =>
        {
            for (var k = 0; k < keys.Count; k++)
            {
                var (x, y) = (a.Keys[k], b.Keys[k]);
                int c;
                if (x is null || y is null)
                {
                    // Kusto: nulls last when descending, first when ascending.
                    c = x is null && y is null ? 0 : x is null ? -1 : 1;
                }
                else
                {
                    c = Compare(x, y);
                }

                if (c != 0)
                {
                    return keys[k].Descending ? -c : c;
                }
            }

            return a.i.CompareTo(b.i);
        });
        return indexed.Select(x => x.Row).ToList();
    }

    public object? Eval(KqlExpr e, JsonObject row) => e switch
    {
        KqlLiteral l => l.Value,
        KqlColumn c => FromNode(Lookup(row, c.Name)),
        KqlMember m => FromNode(Member(Eval(m.Target, row), m.Name)),
        KqlIndex i => FromNode(Index(Eval(i.Target, row), Eval(i.Key, row))),
        KqlCall call => Call(call, row),
        KqlInList inList => InList(inList, row),
        KqlUnary { Op: "not" } u => !Truthy(Eval(u.Operand, row)),
        KqlUnary u => Eval(u.Operand, row) switch { long l => -l, double d => -d, TimeSpan t => -t, _ => null },
        KqlBinary b => Binary(b, row),
        _ => null,
    };

    private static JsonNode? Lookup(JsonObject row, string name)
    {
        if (row.TryGetPropertyValue(name, out var v))
        {
            return v;
        }

        // Column names are case-sensitive in KQL; an unknown column is an error Kusto reports at parse time, the
        // emulator answers null (its tables' columns are fixed, so a typo shows as an empty result).
        return null;
    }

    private static JsonNode? Member(object? target, string name) => target is JsonObject o && o.TryGetPropertyValue(name, out var v) ? v : null;

    private static JsonNode? Index(object? target, object? key) => (target, key) switch
    {
        (JsonObject o, string k) => o.TryGetPropertyValue(k, out var v) ? v : null,
        (JsonArray a, long n) => n >= 0 && n < a.Count ? a[(int)n] : n < 0 && -n <= a.Count ? a[a.Count + (int)n] : null,
        _ => null,
    };

    private object? InList(KqlInList e, JsonObject row)
    {
        var left = Eval(e.Left, row);
        var found = e.Items.Any(item => e.CaseInsensitive
            ? string.Equals(AsString(left), AsString(Eval(item, row)), StringComparison.OrdinalIgnoreCase)
            : EqualValues(left, Eval(item, row)));
        return e.Negated ? !found : found;
    }

    private object? Binary(KqlBinary b, JsonObject row)
    {
        if (b.Op == "and")
        {
            return Truthy(Eval(b.Left, row)) && Truthy(Eval(b.Right, row));
        }

        if (b.Op == "or")
        {
            return Truthy(Eval(b.Left, row)) || Truthy(Eval(b.Right, row));
        }

        var l = Eval(b.Left, row);
        var r = Eval(b.Right, row);
        var negated = b.Op.StartsWith('!') && b.Op.Length > 2;
        var op = negated ? b.Op[1..] : b.Op;
        bool? s = op switch
        {
            "has" => Has(AsString(l), AsString(r), StringComparison.OrdinalIgnoreCase),
            "has_cs" => Has(AsString(l), AsString(r), StringComparison.Ordinal),
            "contains" => AsString(l).Contains(AsString(r), StringComparison.OrdinalIgnoreCase),
            "contains_cs" => AsString(l).Contains(AsString(r), StringComparison.Ordinal),
            "startswith" => AsString(l).StartsWith(AsString(r), StringComparison.OrdinalIgnoreCase),
            "startswith_cs" => AsString(l).StartsWith(AsString(r), StringComparison.Ordinal),
            "endswith" => AsString(l).EndsWith(AsString(r), StringComparison.OrdinalIgnoreCase),
            "endswith_cs" => AsString(l).EndsWith(AsString(r), StringComparison.Ordinal),
            _ => null,
        };
        if (s is not null)
        {
            return negated ? !s.Value : s.Value;
        }

        switch (b.Op)
        {
            case "==":
                return l is not null && r is not null && EqualValues(l, r);
            case "!=":
                return l is not null && r is not null && !EqualValues(l, r);
            case "=~":
                return string.Equals(AsString(l), AsString(r), StringComparison.OrdinalIgnoreCase) && l is not null && r is not null;
            case "!~":
                return !string.Equals(AsString(l), AsString(r), StringComparison.OrdinalIgnoreCase);
            case "<" or "<=" or ">" or ">=":
                {
                    if (l is null || r is null)
                    {
                        return false;
                    }

                    var c = Compare(Coerce(l, r), Coerce(r, l));
                    return b.Op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
                }

            default:
                return Arithmetic(b.Op, l, r);
        }
    }

    private static object? Arithmetic(string op, object? l, object? r) => (op, l, r) switch
    {
        ("+", DateTimeOffset d, TimeSpan t) => d + t,
        ("-", DateTimeOffset d, TimeSpan t) => d - t,
        ("-", DateTimeOffset a, DateTimeOffset b) => a - b,
        ("+", TimeSpan a, TimeSpan b) => a + b,
        ("-", TimeSpan a, TimeSpan b) => a - b,
        (_, long a, long b) => op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => b == 0 ? null : a / b, _ => b == 0 ? null : a % b },
        (_, long or double, long or double) => Real(op, Convert.ToDouble(l, CultureInfo.InvariantCulture), Convert.ToDouble(r, CultureInfo.InvariantCulture)),
        _ => null,
    };

    private static object Real(string op, double a, double b) => op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, _ => a % b };

    // A datetime compared with a string (a property holding an ISO time) compares as datetimes.
    private static object Coerce(object value, object other) => (value, other) switch
    {
        (string s, DateTimeOffset) => ParseDate(s) ?? (object)s,
        _ => value,
    };

    private object? Call(KqlCall call, JsonObject row)
    {
        if (IsAggregate(call.Name))
        {
            throw KqlException.Parser(call.At, $"{call.Name}() can only be used in summarize.");
        }

        object? Arg(int i) => Eval(call.Args[i], row);
        switch (call.Name)
        {
            case "tostring":
                return Arg(0) is { } v ? AsString(v) : string.Empty;
            case "todatetime" or "datetime":
                return Arg(0) switch { DateTimeOffset d => d, string s => ParseDate(s), _ => null };
            case "tolower":
                return AsString(Arg(0)).ToLowerInvariant();
            case "toupper":
                return AsString(Arg(0)).ToUpperInvariant();
            case "tolong" or "toint":
                return Arg(0) switch { long l => l, double d => (long)d, bool b => b ? 1L : 0L, string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n, _ => null };
            case "toreal" or "todouble":
                return Arg(0) switch { long l => (double)l, double d => d, string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n, _ => null };
            case "tobool":
                return Arg(0) switch { bool b => b, long l => l != 0, string s when bool.TryParse(s, out var x) => x, _ => null };
            case "isempty":
                return IsEmpty(Arg(0));
            case "isnotempty":
                return !IsEmpty(Arg(0));
            case "isnull":
                return Arg(0) is null;
            case "isnotnull":
                return Arg(0) is not null;
            case "ago":
                return Arg(0) is TimeSpan t ? now - t : null;
            case "now":
                return now;
            case "strcat":
                return string.Concat(call.Args.Select((_, i) => AsString(Arg(i))));
            case "iff" or "iif":
                return Truthy(Arg(0)) ? Arg(1) : Arg(2);
            case "coalesce":
                return call.Args.Select((_, i) => Arg(i)).FirstOrDefault(v => !IsEmpty(v));
            case "strlen":
                return (long)AsString(Arg(0)).Length;
            case "array_length":
                return Arg(0) is JsonArray a ? a.Count : null;
            case "split":
                {
                    var parts = AsString(Arg(0)).Split(AsString(Arg(1)));
                    if (call.Args.Count == 3)
                    {
                        return Arg(2) is long n && n >= 0 && n < parts.Length ? new JsonArray(JsonValue.Create(parts[n])) : new JsonArray();
                    }

                    return new JsonArray([.. parts.Select(p => (JsonNode)JsonValue.Create(p)!)]);
                }

            case "bin":
                return (Arg(0), Arg(1)) switch
                {
                    (long n, long size) when size > 0 => n / size * size,
                    (DateTimeOffset d, TimeSpan size) when size > TimeSpan.Zero => new DateTimeOffset(d.UtcTicks / size.Ticks * size.Ticks, TimeSpan.Zero),
                    _ => null,
                };
            default:
                throw KqlException.Unsupported(call.At, "function");
        }
    }

    private static bool IsEmpty(object? v) => v is null || (v is string s && s.Length == 0);

    private static bool Has(string haystack, string term, StringComparison cmp)
    {
        if (term.Length == 0)
        {
            return true;
        }

        // A whole term: the match may not be glued to more letters or digits on either side.
        var at = 0;
        while ((at = haystack.IndexOf(term, at, cmp)) >= 0)
        {
            var before = at == 0 || !char.IsLetterOrDigit(haystack[at - 1]);
            var end = at + term.Length;
            var after = end == haystack.Length || !char.IsLetterOrDigit(haystack[end]);
            if (before && after)
            {
                return true;
            }

            at++;
        }

        return false;
    }

    public static bool Truthy(object? v) => v is true;

    private static bool EqualValues(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (DateTimeOffset x, string y) => ParseDate(y) == x,
        (string x, DateTimeOffset y) => ParseDate(x) == y,
        (JsonNode x, _) => x.ToJsonString() == (ToNode(b)?.ToJsonString() ?? "null"),
        _ => Equals(a, b),
    };

    private static int Compare(object a, object b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (long or double, long or double) => Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture)),
        (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
        (TimeSpan x, TimeSpan y) => x.CompareTo(y),
        (bool x, bool y) => x.CompareTo(y),
        _ => string.CompareOrdinal(AsString(a), AsString(b)),
    };

    public static string AsString(object? v) => v switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset d => Timestamp(d),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        JsonNode n => n.ToJsonString(),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseDate(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    /// <summary>A JSON value as a KQL scalar; objects and arrays stay dynamic.</summary>
    public static object? FromNode(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return node;
        }

        if (v.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (v.TryGetValue<bool>(out var b))
        {
            return b;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return (long)i;
        }

        if (v.TryGetValue<double>(out var d))
        {
            return d == Math.Floor(d) && Math.Abs(d) < 9e15 && v.ToJsonString().IndexOfAny(['.', 'e', 'E']) < 0 ? (long)d : d;
        }

        if (v.TryGetValue<DateTimeOffset>(out var t))
        {
            return t;
        }

        return v.ToJsonString().Trim('"');
    }

    public static JsonNode? ToNode(object? v) => v switch
    {
        null => null,
        JsonNode n => n.Parent is null ? n : n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        DateTimeOffset d => JsonValue.Create(Timestamp(d)),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(AsString(v)),
    };
}
