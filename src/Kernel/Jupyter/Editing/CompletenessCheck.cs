using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TtLora.Kernel.Jupyter.Cells;

namespace TtLora.Kernel.Jupyter.Editing;

/// <summary>
/// Answers is_complete_request for consoles deciding whether Enter runs the cell: a cell ending in a magic line is
/// complete; C# is incomplete while Roslyn says the submission needs more (an open brace, a dangling operator),
/// invalid when it is complete but has syntax errors.
/// </summary>
internal static class CompletenessCheck
{
    public const string Complete = "complete";
    public const string Incomplete = "incomplete";
    public const string Invalid = "invalid";

    public static (string Status, string? Indent) Check(string code, CSharpParseOptions options)
    {
        var last = CellSegments.Split(code).LastOrDefault();
        if (last is not CSharpSegment csharp) return (Complete, null);
        var tree = CSharpSyntaxTree.ParseText(csharp.Code, options);
        if (!SyntaxFactory.IsCompleteSubmission(tree)) return (Incomplete, NextIndent(csharp.Code));
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? (Invalid, null) : (Complete, null);
    }

    // Keep the last line's indentation, one level deeper after an opening brace.
    static string NextIndent(string code)
    {
        string lastLine = code.TrimEnd('\n', '\r').Split('\n')[^1];
        string indent = lastLine[..(lastLine.Length - lastLine.TrimStart().Length)];
        return lastLine.TrimEnd().EndsWith('{') ? indent + "    " : indent;
    }
}
