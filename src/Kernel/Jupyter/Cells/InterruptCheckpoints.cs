using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// Makes loops in cell code interruptible: .NET cannot abort a thread, so every loop body written in a cell starts
/// with <see cref="CellInterrupt.Checkpoint"/>. The call is inserted without line breaks, so line numbers in
/// diagnostics and stack traces stay those of the cell. Loops that mention <c>Cancellation</c> handle interrupts
/// themselves and are left alone, as is code with syntax errors, so the compiler reports on what the user wrote.
/// </summary>
internal sealed class InterruptCheckpoints : CSharpSyntaxRewriter
{
    static readonly StatementSyntax Checkpoint =
        SyntaxFactory.ParseStatement($"global::{typeof(CellInterrupt).FullName}.{nameof(CellInterrupt.Checkpoint)}();");

    public static string Insert(string code, CSharpParseOptions options)
    {
        var tree = CSharpSyntaxTree.ParseText(code, options);
        if (tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) return code;
        return new InterruptCheckpoints().Visit(tree.GetRoot()).ToFullString();
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return HandlesCancellation(node) ? visited : visited.WithStatement(WithCheckpoint(visited.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return HandlesCancellation(node) ? visited : visited.WithStatement(WithCheckpoint(visited.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return HandlesCancellation(node) ? visited : visited.WithStatement(WithCheckpoint(visited.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return HandlesCancellation(node) ? visited : visited.WithStatement(WithCheckpoint(visited.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return HandlesCancellation(node) ? visited : visited.WithStatement(WithCheckpoint(visited.Statement));
    }

    static bool HandlesCancellation(SyntaxNode loop) =>
        loop.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name => name.Identifier.ValueText == nameof(KernelGlobals.Cancellation));

    static StatementSyntax WithCheckpoint(StatementSyntax body) => body is BlockSyntax block
        ? block.WithStatements(block.Statements.Insert(0, Checkpoint))
        : SyntaxFactory.Block(Checkpoint, body.WithoutTrivia()).WithTriviaFrom(body);
}
