/** The paper an experiment reproduces. */
export interface Paper {
  arxiv: string;
  title: string;
  authors: string;
  year: number;
}

/**
 * Every paper an experiment cites, in one table (keys are short names). A new experiment adds its
 * paper here and refers to it as `PAPERS.name`; the compiler checks the name.
 */
export const PAPERS = {
  saxe: { arxiv: "1312.6120", title: "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks", authors: "Saxe, McClelland, Ganguli", year: 2014 },
  neuralTangents: { arxiv: "1912.02803", title: "Neural Tangents: Fast and Easy Infinite Neural Networks in Python", authors: "Novak, Xiao, Hron, Lee, Alemi, Sohl-Dickstein, Schoenholz", year: 2020 },
  ntkEvolution: { arxiv: "2010.15110", title: "Deep learning versus kernel learning: an empirical study of loss landscape geometry and the time evolution of the Neural Tangent Kernel", authors: "Fort, Dziugaite, Paul, Kharaghani, Roy, Ganguli", year: 2020 },
  neuralMechanics: { arxiv: "2012.04728", title: "Neural Mechanics: Symmetry and Broken Conservation Laws in Deep Learning Dynamics", authors: "Kunin, Sagastuy-Brena, Ganguli, Yamins, Tanaka", year: 2021 },
  noether: { arxiv: "2105.02716", title: "Noether's Learning Dynamics: Role of Symmetry Breaking in Neural Networks", authors: "Tanaka, Kunin", year: 2021 },
  limitingSgd: { arxiv: "2107.09133", title: "The Limiting Dynamics of SGD: Modified Loss, Phase Space Oscillations, and Anomalous Diffusion", authors: "Kunin, Sagastuy-Brena, Gillespie, Margalit, Tanaka, Ganguli, Yamins", year: 2021 },
  eigenlearning: { arxiv: "2110.03922", title: "The Eigenlearning Framework: A Conservation Law Perspective on Kernel Regression and Wide Neural Networks", authors: "Simon, Dickens, Karkada, DeWeese", year: 2023 },
  quasiHomogeneousMargin: { arxiv: "2210.03820", title: "The Asymmetric Maximum Margin Bias of Quasi-Homogeneous Neural Networks", authors: "Kunin, Yamamura, Ma, Ganguli", year: 2023 },
  ntkAdversarial: { arxiv: "2210.05577", title: "What Can the Neural Tangent Kernel Tell Us About Adversarial Robustness?", authors: "Tsilivis, Kempe", year: 2022 },
  stepwiseSsl: { arxiv: "2303.15438", title: "On the Stepwise Nature of Self-Supervised Learning", authors: "Simon, Knutins, Ziyin, Geisz, Fetterman, Albrecht", year: 2023 },
  stochasticCollapse: { arxiv: "2306.04251", title: "Stochastic Collapse: How Gradient Noise Attracts SGD Dynamics Towards Simpler Subnetworks", authors: "Chen, Kunin, Yamamura, Ganguli", year: 2023 },
  costOfOverfitting: { arxiv: "2306.13185", title: "An Agnostic View on the Cost of Overfitting in (Kernel) Ridge Regression", authors: "Zhou, Simon, Vardi, Srebro", year: 2024 },
  moreIsBetter: { arxiv: "2311.14646", title: "More is Better in Modern Machine Learning: when Infinite Overparameterization is Optimal and Overfitting is Obligatory", authors: "Simon, Karkada, Ghosh, Belkin", year: 2024 },
  getRichQuick: { arxiv: "2406.06158", title: "Get rich quick: exact solutions reveal how unbalanced initializations promote rapid feature learning", authors: "Kunin, Raventos, Domine, Chen, Klindt, Saxe, Ganguli", year: 2024 },
  lambdaBalanced: { arxiv: "2409.14623", title: "From Lazy to Rich: Exact Learning Dynamics in Deep Linear Networks", authors: "Domine, Anguita, Proca, Braun, Kunin, Mediano, Saxe", year: 2024 },
  ultraRich: { arxiv: "2410.04642", title: "The Optimization Landscape of SGD Across the Feature Learning Strength", authors: "Atanasov, Meterez, Simon, Pehlevan", year: 2025 },
  agf: { arxiv: "2506.06489", title: "Alternating Gradient Flows: A Theory of Feature Learning in Two-layer Neural Networks", authors: "Kunin, Marchetti, Chen, Karkada, Simon, DeWeese, Ganguli, Miolane", year: 2025 },
  groupComposition: { arxiv: "2602.03655", title: "Sequential Group Composition", authors: "Marchetti, Kunin et al.", year: 2026 },
  saddleEscapeRelu: { arxiv: "2505.21722", title: "Saddle-to-saddle dynamics in deep ReLU networks: low-rank bias in the first saddle escape", authors: "Bantzis, Simon, Jacot", year: 2025 },
  symmetryBreakingAttention: { arxiv: "2601.22257", title: "Symmetry Breaking in Transformers", authors: "Silverstein, Kunin, Shyam", year: 2026 },
} as const satisfies Record<string, Paper>;

/** The link to a paper's abstract page. */
export function arxivUrl(p: Paper): string {
  return `https://arxiv.org/abs/${p.arxiv}`;
}
