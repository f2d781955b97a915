// Copyright (c) RecoveryVault contributors. MIT License.
extern alias JsonSchemaNet;

using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using JsonSchemaNet::Json.Schema;

namespace RecoveryVault.Emulator.Validation;

/// <summary>
/// The Swagger formats Azure's services check when they deserialize a body. Own keys (not JSON Schema's
/// <c>date-time</c>) because Azure's .NET services are not RFC 3339 strict: they read ISO 8601 with or without an offset
/// (official examples send <c>2018-01-24T02:00:00Z</c> and also offset-less times), fractions of any length, and
/// durations as <c>xs:duration</c> (<see cref="XmlConvert.ToTimeSpan"/>, e.g. <c>P7D</c>, <c>PT4H</c>).
/// </summary>
internal static partial class SpecFormats
{
    public const string DateTime = "azure-date-time";

    public const string Duration = "azure-duration";

    public const string Uuid = "azure-uuid";

    public static void Register(FormatRegistry registry)
    {
        registry.Register(new PredicateFormat(DateTime, e => e.ValueKind != JsonValueKind.String || IsDateTime(e.GetString()!)));
        registry.Register(new PredicateFormat(Duration, e => e.ValueKind != JsonValueKind.String || IsDuration(e.GetString()!)));
        registry.Register(new PredicateFormat(Uuid, e => e.ValueKind != JsonValueKind.String || Guid.TryParseExact(e.GetString(), "D", out _)));
    }

    public static bool IsDateTime(string s) =>
        IsoDateTime().IsMatch(s)
        && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _);

    public static bool IsDuration(string s)
    {
        if (!s.StartsWith('P') && !s.StartsWith("-P", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            XmlConvert.ToTimeSpan(s);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Name for messages: what the spec calls the format.</summary>
    public static string SpecName(string key) => key switch
    {
        DateTime => "date-time",
        Duration => "duration",
        Uuid => "uuid",
        _ => key,
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?([Zz]|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateTime();
}
