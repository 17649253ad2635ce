using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using TtLora.Core;
using TtLora.Extension;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// A failed cell as the user reads it: ename, evalue and traceback lines that point into the cell and the
/// libraries it called, never into the kernel or the scripting engine that ran it.
/// </summary>
internal sealed partial record CellError(string Name, string Value, IReadOnlyList<string> Traceback)
{
    public static readonly CellError Interrupted =
        new("Interrupted", "the cell was interrupted", ["Interrupted: the cell was interrupted"]);

    /// <summary>A <c>#!tt-lora</c> line that failed: the same lines the terminal prints on stderr.</summary>
    public static CellError FromCommand(int exitCode, string errorText)
    {
        var lines = errorText.Replace("\r\n", "\n").TrimEnd().Split('\n');
        string first = lines[0].StartsWith("error: ", StringComparison.Ordinal) ? lines[0]["error: ".Length..] : lines[0];
        return new(exitCode == CommandRunner.UsageError ? "UsageError" : "CommandError", first, lines);
    }

    /// <summary>C# that did not compile: one line per error, positions counted in the cell.</summary>
    public static CellError FromDiagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        var lines = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Format).ToList();
        if (lines.Count == 0) lines.Add("the code did not compile");
        return new("CompilationError", lines[0], lines);
    }

    static string Format(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        string where = span.IsValid ? $"(line {span.StartLinePosition.Line + 1}, column {span.StartLinePosition.Character + 1}): " : "";
        return $"{where}error {diagnostic.Id}: {diagnostic.GetMessage()}";
    }

    /// <summary>An exception thrown by cell code.</summary>
    public static CellError FromException(Exception exception)
    {
        var e = Unwrap(exception);
        if (e is VerbFailedException verb) return verb.Error;
        string name = e.GetType().Name;
        if (e is TtLoraException) return new(name, e.Message, [$"error: {e.Message}"]);
        // evalue is the message a person reads; libtorch's native (c10) frames stay in the traceback's detail.
        string headline = FailureReport.Headline(e);
        var lines = new List<string> { $"{name}: {headline}" };
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            lines.Add($" ---> {inner.GetType().Name}: {FailureReport.Headline(inner)}");
        lines.AddRange(UserFrames(e.StackTrace));
        if (headline != e.Message.Trim()) lines.AddRange(e.Message.Replace("\r\n", "\n").Split('\n').Skip(1).Select(l => "  " + l.TrimEnd()).Where(l => l.Trim().Length > 0));
        return new(name, headline, lines);
    }

    static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return e;
            }
        }
    }

    // Frames after the scripting engine's own are the kernel calling the cell; they mean nothing to the user.
    static IEnumerable<string> UserFrames(string? stackTrace)
    {
        if (stackTrace is null) yield break;
        foreach (var raw in stackTrace.Replace("\r\n", "\n").Split('\n'))
        {
            string line = raw.TrimEnd();
            if (line.Contains("Microsoft.CodeAnalysis.Scripting.", StringComparison.Ordinal)) yield break;
            if (!line.TrimStart().StartsWith("at ", StringComparison.Ordinal)) continue;
            if (line.Contains("System.Runtime.CompilerServices.", StringComparison.Ordinal)
                || line.Contains("System.Runtime.ExceptionServices.", StringComparison.Ordinal)
                || line.Contains(" at TtLora.Kernel.", StringComparison.Ordinal))
                continue;
            yield return SubmissionName().Replace(CellBody().Replace(line, "<cell>"), "");
        }
    }

    [GeneratedRegex(@"Submission#\d+\.<<Initialize>>d__\d+\.MoveNext\(\)")]
    private static partial Regex CellBody();

    [GeneratedRegex(@"Submission#\d+\.")]
    private static partial Regex SubmissionName();
}
