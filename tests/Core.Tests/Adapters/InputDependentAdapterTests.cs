using TtLora.Core.Adapters;

namespace TtLora.Core.Tests.Adapters;

/// <summary>A Linear adapter whose delta depends on the input (no dense delta): attached like any other, never merged.</summary>
public class InputDependentAdapterTests
{
    /// <summary><c>delta = tanh(x) @ W^T</c>: not linear in x, so no weight update can hold it.</summary>
    sealed class TanhAdapter : LinearAdapter
    {
        private readonly TorchSharp.Modules.Parameter weight;

        public TanhAdapter(int inFeatures, int outFeatures) : base(nameof(TanhAdapter), inFeatures, outFeatures)
        {
            weight = new TorchSharp.Modules.Parameter(torch.randn(outFeatures, inFeatures, generator: new torch.Generator(3)).mul(0.1));
            register_parameter(nameof(weight), weight);
        }

        public Tensor Weight => weight;

        public override AdapterKind Kind => LoraKind.Instance;

        public override Tensor forward(Tensor x) => torch.tanh(x).matmul(weight.t());
    }

    [Fact]
    public void ItAddsItsDeltaAndRefusesToMerge()
    {
        using var model = AdapterTestModels.Classifier();
        var q = (TorchSharp.Modules.Linear)model.Model.Layers[0].SelfAttention.Projection("q_proj");
        var site = new AdapterInjector(model).Sites.First(s => s.Name == "q_proj" && s.Layer == 0);
        var wrapper = new AdaptedLinear(site.Path, q);
        using var adapter = new TanhAdapter(site.InFeatures, site.OutFeatures);
        wrapper.AddAdapter("dynamic", adapter);
        using var x = torch.randn(2, 3, site.InFeatures, generator: new torch.Generator(5));
        using var noGrad = torch.no_grad();
        using var y = wrapper.call(x);
        using var byHand = q.call(x) + torch.tanh(x).matmul(adapter.Weight.t());
        Assert.True(AdapterTestModels.MaxAbsDiff(y, byHand) < 1e-6);

        var error = Assert.Throws<TtLoraException>(wrapper.Merge);
        Assert.Contains("adapter \"dynamic\" (lora) depends on its input in a way no weight update can hold, so it cannot be merged", error.Message);
        Assert.Null(wrapper.MergedAdapter);
        wrapper.RemoveAdapter("dynamic");
        wrapper.ReleaseBaseLayer();
        wrapper.Dispose();
    }
}
