// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Internal;

public abstract partial class RecoveryVaultCmdletBase
{
    /// <summary>
    /// Runs <paramref name="work"/> on a resolved vault (nothing when it did not resolve: its error is already out); a
    /// service failure becomes this vault's non-terminating error (a vault that is gone is VaultNotFound), so the next
    /// piped vault still gets its turn.
    /// </summary>
    protected void RunOnVault(RecoveryVaultResourceId? vault, Func<RecoveryVaultResourceId, CancellationToken, Task> work)
    {
        if (vault is null)
        {
            return;
        }
        Run(async ct =>
        {
            try
            {
                await work(vault, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, vault.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }
}
