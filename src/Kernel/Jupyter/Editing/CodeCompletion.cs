using System.CommandLine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TtLora.Kernel.Jupyter.Cells;

namespace TtLora.Kernel.Jupyter.Editing;

/// <summary>
/// Completions at a cursor (UTF-16 index): verbs, options and option values on <c>#!tt-lora</c> lines, taken from
/// the command tree itself; in C#, the names in scope (script variables, globals, imported types and members)
/// or, after a dot, the members of what stands before it.
/// </summary>
internal sealed class CodeCompletion(CSharpSession csharp, Func<RootCommand> verbs)
{
    static readonly IReadOnlyList<string> Keywords = SyntaxFacts.GetKeywordKinds()
        .Concat(SyntaxFacts.GetContextualKeywordKinds()).Select(SyntaxFacts.GetText).Distinct().ToArray();

    /// <summary>The candidates and the range [Start, End) of the text they replace.</summary>
    public readonly record struct Completions(IReadOnlyList<string> Matches, int Start, int End);

    public Completions Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        int lineStart = cursor == 0 ? 0 : code.LastIndexOf('\n', cursor - 1) + 1;
        string line = code[lineStart..cursor];
        string typed = line.TrimStart();
        if (!typed.StartsWith("#!", StringComparison.Ordinal)) return CSharp(code, cursor);
        int prefixStart = lineStart + line.Length - typed.Length;
        // Still typing the prefix itself: complete it, with the space a verb needs.
        if (typed.Length <= MagicLine.Prefix.Length)
            return MagicLine.Prefix.StartsWith(typed, StringComparison.Ordinal)
                ? new([MagicLine.Prefix + " "], prefixStart, cursor)
                : new([], cursor, cursor);
        return MagicLine.Is(line) ? Verbs(MagicLine.Rest(line), cursor) : new([], cursor, cursor);
    }

    Completions Verbs(string typed, int cursor)
    {
        int wordStart = typed.Length;
        while (wordStart > 0 && !char.IsWhiteSpace(typed[wordStart - 1])) wordStart--;
        string word = typed[wordStart..];
        var args = MagicLine.Split(typed[..wordStart], strict: false);
        if (word.Length > 0) args.Add(word);
        var matches = verbs().Parse(args).GetCompletions()
            .Select(c => c.Label)
            // The Windows-style and "-?" help spellings only clutter a notebook's completion list.
            .Where(label => !label.StartsWith('/') && label != "-?" && label.StartsWith(word, StringComparison.Ordinal))
            .Distinct()
            .ToList();
        return new(matches, cursor - word.Length, cursor);
    }

    Completions CSharp(string code, int cursor)
    {
        string masked = CellSegments.MaskMagicLines(code);
        int start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(masked[start - 1]) || masked[start - 1] == '_')) start--;
        string word = masked[start..cursor];
        var compilation = csharp.Analyze(masked);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        bool afterDot = start > 0 && masked[start - 1] == '.';
        IEnumerable<ISymbol> symbols;
        if (afterDot)
        {
            symbols = tree.GetRoot().FindToken(start - 1).Parent switch
            {
                MemberAccessExpressionSyntax access => MembersOf(model, access.Expression, start),
                QualifiedNameSyntax name => MembersOf(model, name.Left, start),
                _ => [],
            };
        }
        else
        {
            symbols = model.LookupSymbols(start);
        }
        var names = symbols.Where(s => s.CanBeReferencedByName).Select(s => s.Name);
        if (!afterDot) names = names.Concat(Keywords);
        var matches = names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        return new(matches, start, cursor);
    }

    static IEnumerable<ISymbol> MembersOf(SemanticModel model, ExpressionSyntax expression, int position)
    {
        switch (model.GetSymbolInfo(expression).Symbol)
        {
            case INamespaceSymbol ns:
                return model.LookupNamespacesAndTypes(position, ns);
            case ITypeSymbol type:
                return model.LookupStaticMembers(position, type);
        }
        var instance = model.GetTypeInfo(expression).Type;
        return instance is null
            ? []
            : model.LookupSymbols(position, instance, includeReducedExtensionMethods: true).Where(s => !s.IsStatic || s is IMethodSymbol { MethodKind: MethodKind.ReducedExtension });
    }
}
