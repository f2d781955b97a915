// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;

namespace RecoveryVault.Engine.Backup;

/// <summary>
/// The one place a backup <c>$filter</c> is written. Values are always OData string literals, so a name typed by a
/// user (<c>x' or name ne 'y</c>) stays a value and can never widen the query.
/// </summary>
public sealed class ODataFilter
{
    private readonly List<string> _terms = [];

    /// <summary>An OData string literal: quoted, with single quotes doubled (OData ABNF, SQUOTE-in-string).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The backup API's date literal ("2017-11-29 00:00:00 AM" in the official ListJobsWithAllSupportedFilters
    /// example; the Az module writes "yyyy-MM-dd hh:mm:ss tt" in UTC).
    /// </summary>
    public static string Date(DateTimeOffset value) =>
        Literal(value.UtcDateTime.ToString("yyyy-MM-dd hh:mm:ss tt", CultureInfo.InvariantCulture));

    /// <summary>Adds <c>field eq 'value'</c> when the value is given.</summary>
    public ODataFilter Eq(string field, string? value)
    {
        if (value is not null)
        {
            _terms.Add($"{Field(field)} eq {Literal(value)}");
        }
        return this;
    }

    /// <summary>Adds <c>field eq '{date}'</c>.</summary>
    public ODataFilter EqDate(string field, DateTimeOffset value)
    {
        _terms.Add($"{Field(field)} eq {Date(value)}");
        return this;
    }

    /// <summary>The filter text, or null when it has no terms (no <c>$filter</c> is sent then).</summary>
    public string? Build() => _terms.Count == 0 ? null : string.Join(" and ", _terms);

    /// <inheritdoc />
    public override string ToString() => Build() ?? string.Empty;

    // Field names are ours, never user input; a bad one is a programming error.
    private static string Field(string name) =>
        name.Length > 0 && name.All(char.IsAsciiLetterOrDigit) ? name : throw new ArgumentException($"'{name}' is not an OData field name.", nameof(name));
}
