namespace TtLora.Core.Adapters;

/// <summary>
/// An adapter on a whole block of a decoder layer (the feed-forward <c>mlp</c>): it reads the block's input
/// (<see cref="AdapterPlacement.Parallel"/>) or its output (<see cref="AdapterPlacement.Sequential"/>), and its
/// result is added to the block's output. It is not a linear map of a Linear's input, so it is never merged.
/// </summary>
public abstract class BlockAdapter : Adapter
{
    protected BlockAdapter(string name, int hiddenSize) : base(name)
    {
        HiddenSize = hiddenSize;
    }

    /// <summary>Width of the block's input and output.</summary>
    public int HiddenSize { get; }
}
