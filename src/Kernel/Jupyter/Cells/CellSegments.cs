namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>A run of a cell's lines that executes as one unit; <see cref="FirstLine"/> counts from 0.</summary>
internal abstract record CellSegment(int FirstLine);

/// <summary>Consecutive C# lines, compiled as one submission.</summary>
internal sealed record CSharpSegment(string Code, int FirstLine) : CellSegment(FirstLine);

/// <summary>One <c>#!tt-lora</c> line.</summary>
internal sealed record MagicSegment(string Line, int FirstLine) : CellSegment(FirstLine);

/// <summary>Splits a cell into C# runs and magic lines, in order; runs of blank lines produce nothing.</summary>
internal static class CellSegments
{
    public static IReadOnlyList<CellSegment> Split(string code)
    {
        var segments = new List<CellSegment>();
        var lines = code.Replace("\r\n", "\n").Split('\n');
        int start = 0;
        void FlushCSharp(int end)
        {
            string chunk = string.Join("\n", lines[start..end]);
            if (!string.IsNullOrWhiteSpace(chunk)) segments.Add(new CSharpSegment(chunk, start));
        }
        for (int i = 0; i < lines.Length; i++)
        {
            if (!MagicLine.Is(lines[i])) continue;
            FlushCSharp(i);
            segments.Add(new MagicSegment(lines[i], i));
            start = i + 1;
        }
        FlushCSharp(lines.Length);
        return segments;
    }

    /// <summary>The cell with every magic line turned into a comment of the same length, for C# analysis at a position.</summary>
    public static string MaskMagicLines(string code)
    {
        var text = code.ToCharArray();
        int lineStart = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '\n') continue;
            int first = lineStart;
            while (first < i && (text[first] == ' ' || text[first] == '\t')) first++;
            if (MagicLine.Is(code[lineStart..i]) && first + 1 < text.Length)
            {
                text[first] = '/';
                text[first + 1] = '/';
            }
            lineStart = i + 1;
        }
        return new string(text);
    }
}
