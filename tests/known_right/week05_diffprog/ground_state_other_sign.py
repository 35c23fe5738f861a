"""The other sign of v0 (either is an eigenvector), and the backward written with the full
eigenvector matrix and a masked denominator."""

import torch

EXPECT = {"exercise": "week05_diffprog.GroundState"}


class GroundState(torch.autograd.Function):
    @staticmethod
    def forward(ctx, A):
        eigenvalues, eigenvectors = torch.linalg.eigh(A)
        eigenvectors = -eigenvectors
        ctx.save_for_backward(eigenvalues, eigenvectors)
        return eigenvalues[0], eigenvectors[:, 0]

    @staticmethod
    def backward(ctx, grad_lambda0, grad_v0):
        eigenvalues, eigenvectors = ctx.saved_tensors
        v0 = eigenvectors[:, 0]
        gaps = eigenvalues[0] - eigenvalues
        gaps[0] = 1.0
        coefficients = (eigenvectors.T @ grad_v0) / gaps
        coefficients[0] = 0.0
        grad_A = grad_lambda0 * torch.outer(v0, v0) + torch.outer(eigenvectors @ coefficients, v0)
        return 0.5 * (grad_A + grad_A.mT)
