namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>A shown value that can be replaced in place, e.g. a progress line or a chart that grows.</summary>
public sealed class DisplayHandle
{
    readonly CellOutput output;

    internal DisplayHandle(CellOutput output, string displayId)
    {
        this.output = output;
        DisplayId = displayId;
    }

    /// <summary>The display_id front ends use to find the output to replace.</summary>
    public string DisplayId { get; }

    /// <summary>Shows <paramref name="value"/> in place of what this display showed.</summary>
    public void Update(object? value) => output.UpdateDisplay(value, DisplayId);

    public override string ToString() => $"display {DisplayId}";
}
