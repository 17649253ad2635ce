namespace TtLora.Core.Data;

/// <summary>The three standard splits.</summary>
public enum DataSplit
{
    Train,
    Validation,
    Test,
}
