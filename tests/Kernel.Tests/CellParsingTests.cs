using TtLora.Core;
using TtLora.Kernel.Jupyter.Cells;
using TtLora.Kernel.Jupyter.Editing;

namespace TtLora.Kernel.Tests;

/// <summary>How cells split into C# and magic lines, and how magic lines split into arguments.</summary>
public class CellParsingTests
{
    [Theory]
    [InlineData("#!tt-lora help", true)]
    [InlineData("  #!tt-lora model info", true)]
    [InlineData("#!tt-lora", true)]
    [InlineData("#!tt-lorax", false)]
    [InlineData("// #!tt-lora help", false)]
    [InlineData("#!csharp", false)]
    public void MagicLinesAreRecognised(string line, bool isMagic) => Assert.Equal(isMagic, MagicLine.Is(line));

    [Fact]
    public void ArgumentsSplitLikeAShell() =>
        Assert.Equal(new[] { "tokenize", "--text", "hello world", "--x", "a \"b\" c\\d", "it's" },
            MagicLine.Arguments("#!tt-lora tokenize --text 'hello world' --x \"a \\\"b\\\" c\\\\d\" \"it's\""));

    [Fact]
    public void AnUnterminatedQuoteIsNamed()
    {
        var error = Assert.Throws<TtLoraException>(() => MagicLine.Arguments("#!tt-lora tokenize --text 'hello"));
        Assert.Equal("#!tt-lora: unterminated ' quote in \"tokenize --text 'hello\"", error.Message);
    }

    [Fact]
    public void CellsSplitIntoCSharpRunsAndMagicLinesInOrder()
    {
        var segments = CellSegments.Split("var a = 1;\nvar b = 2;\n#!tt-lora help\n\n#!tt-lora use --device cpu\n\na + b");
        Assert.Equal(4, segments.Count);
        Assert.Equal(new CSharpSegment("var a = 1;\nvar b = 2;", 0), segments[0]);
        Assert.Equal(new MagicSegment("#!tt-lora help", 2), segments[1]);
        Assert.Equal(new MagicSegment("#!tt-lora use --device cpu", 4), segments[2]);
        Assert.Equal(new CSharpSegment("\na + b", 5), segments[3]);
    }

    [Fact]
    public void MaskingKeepsEveryPosition()
    {
        string code = "var a = 1;\n  #!tt-lora help\na.";
        string masked = CellSegments.MaskMagicLines(code);
        Assert.Equal("var a = 1;\n  //tt-lora help\na.", masked);
    }

    [Theory]
    [InlineData("abc", 2, 2)]
    [InlineData("a\U0001F600b", 2, 3)] // the emoji is one code point, two UTF-16 units
    [InlineData("\U0001F600\U0001F600", 2, 4)]
    [InlineData("ab", 5, 2)] // clamped to the text
    public void CursorPositionsConvertBetweenCodePointsAndIndices(string text, int codePoints, int index)
    {
        Assert.Equal(index, CodePoints.ToIndex(text, codePoints));
        Assert.Equal(Math.Min(codePoints, CodePoints.FromIndex(text, text.Length)), CodePoints.FromIndex(text, index));
    }
}
