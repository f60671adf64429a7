/**
 * Exact one-step identities of the symmetry quantities under (S)GD and heavy-ball momentum with
 * coupled L2 weight decay lambda (Kunin et al., "Neural Mechanics", arXiv 2012.04728, section 5;
 * Tanaka & Kunin, "Noether's Learning Dynamics", arXiv 2105.02716). They hold for any minibatch
 * because each symmetry holds for each minibatch loss. Derived here, not quoted from the paper:
 * the paper states the continuous forms (continuous.ts, momentum.ts).
 *
 * Update rules (Saddle's `sgd`, torch's SGD with dampening 0):
 *   plain:      theta_{k+1} = theta_k - eta (g_k + lambda theta_k)
 *   heavy ball: v_{k+1} = beta v_k + g_k + lambda theta_k,  theta_{k+1} = theta_k - eta v_{k+1},  v_0 = 0.
 *
 * Gradient constraints (from the symmetry, for every parameter value):
 *   translation: sum_j g_j = 0                        (softmax logits shifted by a common vector)
 *   scale:       <g_A, theta_A> = 0                   (weights feeding a normalisation)
 *   rescale:     <g_in, theta_in> = <g_out, theta_out> (a ReLU unit's incoming vs outgoing weights)
 */

/**
 * Translation under plain (S)GD: the class-summed weights S = sum_j W[j, :] obey
 * S_{k+1} = (1 - eta lambda) S_k exactly (the gradient part sums to zero).
 */
export function translationStep(sum: number, lr: number, wd: number): number {
  return (1 - lr * wd) * sum;
}

/**
 * Scale (Q = |theta_A|^2) or rescale (Q = |theta_out|^2 - |theta_in|^2) under plain (S)GD:
 * Q_{k+1} = (1 - eta lambda)^2 Q_k + eta^2 G_k, with G_k = |g_A|^2 (scale) or |g_out|^2 - |g_in|^2
 * (rescale). Exact: the cross term -2 eta (1 - eta lambda) <theta, g> vanishes by the constraint.
 * Units: Q in squared parameter units; eta in step size per step.
 */
export function quadraticStep(q: number, gradSq: number, lr: number, wd: number): number {
  return (1 - lr * wd) ** 2 * q + lr * lr * gradSq;
}

/**
 * Heavy ball, translation: S_{k+1} = (1 + beta - eta lambda) S_k - beta S_{k-1}, with S_{-1} = S_0
 * (v_0 = 0). Homogeneous: the gradients sum to zero, so the velocity's class sum only sees the decay.
 */
export function translationMomentumStep(sum: number, sumPrev: number, lr: number, wd: number, beta: number): number {
  return (1 + beta - lr * wd) * sum - beta * sumPrev;
}

/**
 * Heavy ball, scale / rescale (exact second-order recursion, derived):
 *   Q_{k+1} = (1 + beta - 2 eta lambda) Q_k - beta Q_{k-1} + eta^2 (V_{k+1} + beta V_k),
 * with Q_{-1} = Q_0, V_0 = 0, and V_k = |v_k|^2 of the block (scale) or |v_out|^2 - |v_in|^2
 * (rescale), v the momentum buffer (which includes the weight-decay term).
 * Derivation: P_{k+1} = <theta_k, v_{k+1}> = beta (P_k - eta V_k) + lambda Q_k (constraint kills
 * <theta_k, g_k>) and Q_{k+1} = Q_k - 2 eta P_{k+1} + eta^2 V_{k+1}; eliminate P.
 * beta = 0 gives V_{k+1} = |g_k|^2 + lambda^2 Q_k (+ the constraint), i.e. quadraticStep.
 */
export function quadraticMomentumStep(q: number, qPrev: number, velSqNext: number, velSq: number, lr: number, wd: number, beta: number): number {
  return (1 + beta - 2 * lr * wd) * q - beta * qPrev + lr * lr * (velSqNext + beta * velSq);
}

/**
 * Heavy ball, translation, as a one-step law in the state (theta_k, v_k) (derived; equivalent to
 * translationMomentumStep): the class sums of v_{k+1} = beta v_k + g_k + lambda theta_k lose the
 * gradient part, so S_{k+1} = S_k - eta S(v_{k+1}) = (1 - eta lambda) S_k - eta beta S(v_k).
 * beta = 0 is translationStep.
 */
export function translationHeavyBallStep(sum: number, velocitySum: number, lr: number, wd: number, beta: number): number {
  return (1 - lr * wd) * sum - lr * beta * velocitySum;
}

/**
 * Heavy ball, scale / rescale, as a one-step law in the state (theta_k, v_k) (derived; equivalent
 * to quadraticMomentumStep): Q_{k+1} = Q_k - 2 eta <theta_k, v_{k+1}> + eta^2 V_{k+1} and, by the
 * gradient constraint, <theta_k, v_{k+1}> = beta <theta_k, v_k> + lambda Q_k, so
 *   Q_{k+1} = (1 - 2 eta lambda) Q_k - 2 eta beta P_k + eta^2 V_{k+1},
 * P_k = <theta_k, v_k> (out minus in for rescale), V_{k+1} = |v_{k+1}|^2 (out minus in).
 */
export function quadraticHeavyBallStep(q: number, thetaDotVelocity: number, velSqNext: number, lr: number, wd: number, beta: number): number {
  return (1 - 2 * lr * wd) * q - 2 * lr * beta * thetaDotVelocity + lr * lr * velSqNext;
}
