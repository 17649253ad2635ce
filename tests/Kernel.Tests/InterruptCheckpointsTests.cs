using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TtLora.Kernel.Jupyter.Cells;

namespace TtLora.Kernel.Tests;

public class InterruptCheckpointsTests
{
    static readonly CSharpParseOptions Script = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script);
    const string Check = "global::TtLora.Kernel.Jupyter.Cells.CellInterrupt.Checkpoint();";

    [Fact]
    public void EveryLoopBodyStartsWithACheckpointOnTheSameLines()
    {
        string code = "for (int i = 0; i < 3; i++)\n{\n    Work(i);\n}\nwhile (true) Spin();\nforeach (var x in xs) { }\ndo { n--; } while (n > 0);\nvar (a, b) = (1, 2);";
        string rewritten = InterruptCheckpoints.Insert(code, Script);
        Assert.Equal(
            $"for (int i = 0; i < 3; i++)\n{{\n{Check}    Work(i);\n}}\nwhile (true) {{{Check}Spin();}}\nforeach (var x in xs) {{ {Check}}}\ndo {{ {Check}n--; }} while (n > 0);\nvar (a, b) = (1, 2);",
            rewritten);
        Assert.Empty(CSharpSyntaxTree.ParseText(rewritten, Script).GetDiagnostics());
    }

    [Fact]
    public void LoopsThatWatchCancellationAreLeftAlone()
    {
        const string code = "while (!Cancellation.IsCancellationRequested) Thread.Sleep(10);";
        Assert.Equal(code, InterruptCheckpoints.Insert(code, Script));
    }

    [Fact]
    public void CodeWithSyntaxErrorsIsLeftAsTyped()
    {
        const string code = "for (int i = 0; i < 3; i++) { Work(";
        Assert.Equal(code, InterruptCheckpoints.Insert(code, Script));
    }
}
