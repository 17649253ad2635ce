using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using TorchSharp;
using TtLora.Extension;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>The outcome of one C# submission: its last expression's value (if it has one) or an error.</summary>
internal readonly record struct SubmissionResult(object? Value, bool HasValue, CellError? Error);

/// <summary>
/// C# script state carried from cell to cell (Roslyn scripting): variables, functions and types a cell declares
/// stay visible to later cells. The project's assemblies are referenced and their namespaces imported.
/// </summary>
internal sealed class CSharpSession
{
    /// <summary>Namespaces every cell sees; a type name here (TorchSharp.torch) is a <c>using static</c>.</summary>
    public static readonly IReadOnlyList<string> Imports =
    [
        "System", "System.IO", "System.Linq", "System.Text", "System.Threading", "System.Threading.Tasks",
        "System.Collections.Generic", "TorchSharp", "TorchSharp.torch",
        "TtLora.Core", "TtLora.Core.Models", "TtLora.Core.Tokenizers", "TtLora.Core.TensorTrains", "TtLora.Core.Formats",
        "TtLora.Core.Adapters", "TtLora.Core.Data", "TtLora.Core.Registry", "TtLora.Core.Routing",
        "TtLora.Extension", "TtLora.Extension.Results", "TtLora.Extension.Formatting", "TtLora.Kernel.Jupyter.Cells",
    ];

    readonly ScriptOptions options;
    Task<ScriptState<object>> state;

    /// <param name="ready">Told how long the first compilation took, once the engine is warm.</param>
    public CSharpSession(KernelGlobals globals, Action<TimeSpan>? ready = null)
    {
        options = ScriptOptions.Default
            .AddReferences(
                typeof(Enumerable).Assembly, typeof(JsonSerializer).Assembly, typeof(torch).Assembly,
                typeof(TtLora.Core.TtLoraException).Assembly, typeof(CommandSet).Assembly,
                typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly, typeof(KernelGlobals).Assembly)
            .WithImports(Imports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8);
        ParseOptions = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest);
        // The first compilation loads and jits most of Roslyn (seconds); doing it while the front end connects
        // makes the user's first cell fast. Its state, with no variables, is where the session starts.
        state = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            var initial = await CSharpScript.RunAsync("", options, globals, typeof(KernelGlobals));
            ready?.Invoke(clock.Elapsed);
            return initial;
        });
    }

    public CSharpParseOptions ParseOptions { get; }

    /// <summary>Compiles and runs one run of C# lines of a cell.</summary>
    /// <param name="firstLine">The run's first line in the cell (from 0), so errors point at cell lines.</param>
    /// <param name="cellName">How stack traces name the cell, e.g. <c>In [3]</c>.</param>
    public SubmissionResult Run(string code, int firstLine, string cellName, CancellationToken cancellation)
    {
        var previous = state.GetAwaiter().GetResult();
        string source = $"#line {firstLine + 1} \"{cellName}\"\n" + InterruptCheckpoints.Insert(code, ParseOptions);
        ScriptState<object> next;
        try
        {
            next = previous.ContinueWithAsync(source, options, _ => true, cancellation).GetAwaiter().GetResult();
        }
        catch (CompilationErrorException e)
        {
            return new(null, false, CellError.FromDiagnostics(e.Diagnostics));
        }
        catch (Exception e) when (e is OperationCanceledException or ThreadInterruptedException && cancellation.IsCancellationRequested)
        {
            // A cell awaiting something that never completes: the interrupt broke the wait for its result.
            return new(null, false, CellError.Interrupted);
        }
        // Even a failed submission keeps what it declared before the failure, as in other notebook kernels.
        state = Task.FromResult(next);
        if (next.Exception is { } exception)
            return new(null, false, exception is OperationCanceledException or ThreadInterruptedException && cancellation.IsCancellationRequested
                ? CellError.Interrupted
                : CellError.FromException(exception));
        return EndsWithValue(next) ? new(next.ReturnValue, true, null) : new(null, false, null);
    }

    /// <summary>The current value of the script variable <paramref name="name"/> (the latest declaration wins).</summary>
    public (bool Found, object? Value) Variable(string name) =>
        state.GetAwaiter().GetResult().GetVariable(name) is { } variable ? (true, variable.Value) : (false, null);

    /// <summary>A compilation of <paramref name="code"/> as the next submission, for completion and inspection.</summary>
    public Compilation Analyze(string code) => state.GetAwaiter().GetResult().Script.ContinueWith(code, options).GetCompilation();

    // A submission has a value when it ends in an expression without a semicolon whose type is not void.
    static bool EndsWithValue(ScriptState<object> submission)
    {
        var compilation = submission.Script.GetCompilation();
        var tree = compilation.SyntaxTrees.Single();
        if (tree.GetCompilationUnitRoot().Members.LastOrDefault() is not GlobalStatementSyntax
            { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } statement })
            return false;
        if (submission.ReturnValue is not null) return true;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }
}
