using TtLora.Core.Adapters;
using TtLora.Core.Models;

namespace TtLora.Core.Tests.Adapters;

public class AdapterPlannerTests
{
    static LlamaConfig Llama1B => LlamaConfig.Load(AdapterTestModels.Llama32_1BConfigPath());

    [Fact]
    public void TheFixtureIsLlama32_1B()
    {
        var config = Llama1B;
        Assert.Equal(2048, config.HiddenSize);
        Assert.Equal(16, config.NumHiddenLayers);
        Assert.Equal(8, config.NumKeyValueHeads);
        Assert.Equal("llama3", config.RopeScaling!.RopeType);
        // The published parameter count of LLaMA-3.2-1B (tied embeddings).
        Assert.Equal(1_235_814_400, AdapterPlanner.BaseParameterCount(config));
    }

    [Fact]
    public void TtLoraOnQAndVWithThePapersShapesHas33920Parameters()
    {
        var plan = AdapterPlanner.Plan(Llama1B, new TtLoraConfig { R = 5 });
        Assert.Equal(33_920, plan.TrainableParameters);
        var q = plan.Modules.Single(m => m.Module == "q_proj");
        var v = plan.Modules.Single(m => m.Module == "v_proj");
        Assert.Equal([16, 8, 4, 4, 4, 4, 8, 16], ((TtPlanDetails)q.Details!).Shape.Modes);
        Assert.Equal([16, 16, 4, 2, 2, 16, 16], ((TtPlanDetails)v.Details!).Shape.Modes);
        Assert.Equal(960, q.ParametersPerLayer);
        Assert.Equal(1_160, v.ParametersPerLayer);
        Assert.Equal(16, q.Layers.Count);
        Assert.Equal((2048, 512), (v.InFeatures, v.OutFeatures));
        Assert.Equal(5, q.Rank);
    }

    [Fact]
    public void ExplicitFactorsGiveTheSameBudgetAsThePlannersShapes()
    {
        var config = new TtLoraConfig
        {
            R = 5,
            InputFactors = new Dictionary<string, IReadOnlyList<int>> { ["q_proj"] = [16, 8, 4, 4], ["v_proj"] = [16, 16, 4, 2] },
            OutputFactors = new Dictionary<string, IReadOnlyList<int>> { ["q_proj"] = [16, 8, 4, 4], ["v_proj"] = [16, 16, 2] },
        };
        Assert.Equal(33_920, AdapterPlanner.Plan(Llama1B, config).TrainableParameters);
    }

    [Fact]
    public void LoraR16OnQAndVHas1703936Parameters()
    {
        var plan = AdapterPlanner.Plan(Llama1B, new LoraConfig { R = 16, LoraAlpha = 8 });
        Assert.Equal(1_703_936, plan.TrainableParameters);
        Assert.Equal(65_536, plan.Modules.Single(m => m.Module == "q_proj").ParametersPerLayer);
        Assert.Equal(40_960, plan.Modules.Single(m => m.Module == "v_proj").ParametersPerLayer);
        // The paper's "2% of LoRA".
        Assert.Equal(1.99, 100.0 * 33_920 / plan.TrainableParameters, 2);
    }

    /// <summary>
    /// The paper's Pfeiffer figure, 12,627,970, is not the adapters alone. seq_bn with reduction 16 on 16 layers is
    /// 16 x (2048*128 + 128 + 128*2048 + 2048) = 8,423,424. The rest, 4,204,546, is the classification head of the
    /// reference's adapters-library model: add_classification_head's default two layers with biases
    /// (2048*2048 + 2048 + 2048*2 + 2 = 4,200,450) plus 4,096 = 2048*2 more (a 2-label bias-free linear such as a
    /// score head). Our planner counts adapters and, when trained, our one-layer score head.
    /// </summary>
    [Fact]
    public void PfeifferBottleneckAdaptersAloneAre8423424Parameters()
    {
        var plan = AdapterPlanner.Plan(Llama1B, new BottleneckConfig());
        Assert.Equal(8_423_424, plan.AdapterParameters);
        Assert.Equal(128, plan.Modules.Single().Rank);
        long referenceHead = 2048L * 2048 + 2048 + 2048 * 2 + 2;
        Assert.Equal(12_627_970, plan.AdapterParameters + referenceHead + 2048 * 2);
    }

    [Fact]
    public void LayerSelectionAndHeadAreCounted()
    {
        var plan = AdapterPlanner.Plan(Llama1B, new LoraConfig { R = 16, LayersToTransform = LayerRange.Parse("8-", 16), ModulesToSave = ["score"] }, numLabels: 2);
        Assert.Equal(1_703_936 / 2, plan.AdapterParameters);
        Assert.Equal(4_096, plan.HeadParameters);
        Assert.Equal(1_703_936 / 2 + 4_096, plan.TrainableParameters);
        Assert.Equal([8, 9, 10, 11, 12, 13, 14, 15], plan.Modules[0].Layers);
    }

    [Fact]
    public void PlanningErrorsNameTheProblem()
    {
        Assert.Contains("matches no module", Assert.Throws<TtLoraException>(() => AdapterPlanner.Plan(Llama1B, new LoraConfig { TargetModules = ["c_attn"] })).Message);
        Assert.Contains("layers_to_transform contains layer 16 but the model has 16 layers",
            Assert.Throws<TtLoraException>(() => AdapterPlanner.Plan(Llama1B, new LoraConfig { LayersToTransform = [16] })).Message);
        Assert.Contains("give the number of labels",
            Assert.Throws<TtLoraException>(() => AdapterPlanner.Plan(Llama1B, new LoraConfig { ModulesToSave = ["score"] })).Message);
    }
}
