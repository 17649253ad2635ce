using System.CommandLine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TtLora.Kernel.Jupyter.Cells;

namespace TtLora.Kernel.Jupyter.Editing;

/// <summary>
/// Help for what is under the cursor (UTF-16 index): a verb's help on <c>#!tt-lora</c> lines, a symbol's kind,
/// signature and type in C# (best effort: no documentation comments).
/// </summary>
internal sealed class CodeInspection(CSharpSession csharp, Func<RootCommand> verbs)
{
    static readonly SymbolDisplayFormat Signature = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType
            | SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeRef,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
            | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes
            | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Plain-text help, or null when nothing is known about the cursor's position.</summary>
    public string? Inspect(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        int lineStart = cursor == 0 ? 0 : code.LastIndexOf('\n', cursor - 1) + 1;
        int lineEnd = code.IndexOf('\n', cursor);
        if (lineEnd < 0) lineEnd = code.Length;
        return MagicLine.Is(code[lineStart..lineEnd]) ? Verb(code, lineStart, lineEnd, cursor) : CSharp(code, cursor);
    }

    string Verb(string code, int lineStart, int lineEnd, int cursor)
    {
        int wordEnd = cursor;
        while (wordEnd < lineEnd && !char.IsWhiteSpace(code[wordEnd])) wordEnd++;
        string upToWord = code[lineStart..wordEnd];
        var words = MagicLine.Is(upToWord) ? MagicLine.Split(MagicLine.Rest(upToWord), strict: false) : [];
        var root = verbs();
        var (_, depth) = CommandHelp.Find(root, words);
        return CommandHelp.Render(root, words.Take(depth));
    }

    string? CSharp(string code, int cursor)
    {
        string masked = CellSegments.MaskMagicLines(code);
        var compilation = csharp.Analyze(masked);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var token = tree.GetRoot().FindToken(cursor);
        if (!token.IsKind(SyntaxKind.IdentifierToken) && cursor > 0) token = tree.GetRoot().FindToken(cursor - 1);
        if (token.Parent is not { } node) return null;
        var info = model.GetSymbolInfo(node);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(node);
        if (symbol is null)
            return model.GetTypeInfo(node).Type is { } type ? $"({Kind(type)}) {type.ToDisplayString(Signature)}" : null;
        return Describe(symbol);
    }

    static string Describe(ISymbol symbol)
    {
        string text = symbol switch
        {
            ILocalSymbol local => $"{local.Type.ToDisplayString(Signature)} {local.Name}",
            IFieldSymbol field => $"{field.Type.ToDisplayString(Signature)} {field.Name}",
            IParameterSymbol parameter => $"{parameter.Type.ToDisplayString(Signature)} {parameter.Name}",
            _ => symbol.ToDisplayString(Signature),
        };
        if (symbol is IMethodSymbol method && method.ContainingType is { } container)
        {
            int overloads = container.GetMembers(method.Name).OfType<IMethodSymbol>().Count() - 1;
            if (overloads > 0) text += $" (+{overloads} overload{(overloads == 1 ? "" : "s")})";
        }
        return $"({Kind(symbol)}) {text}";
    }

    static string Kind(ISymbol symbol) => symbol switch
    {
        // Script variables are fields of the hidden submission classes; users know them as variables.
        IFieldSymbol { ContainingType.IsScriptClass: true } => "variable",
        ILocalSymbol => "local variable",
        INamedTypeSymbol type => type.TypeKind.ToString().ToLowerInvariant(),
        _ => symbol.Kind.ToString().ToLowerInvariant(),
    };
}
