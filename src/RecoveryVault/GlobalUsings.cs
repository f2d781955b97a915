// Copyright (c) RecoveryVault contributors. MIT License.
global using RecoveryVault.Engine.Backup;
