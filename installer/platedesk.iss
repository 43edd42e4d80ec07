; Inno Setup script: the Windows installer of Plate Desk, PlateDesk-<version>-setup.exe.
;
; It packs a bundle that already exists; it builds nothing. Before compiling it:
;   1. On Windows (x64), in Git Bash at the repository root, with the project's .venv made
;      by `py -3.11 -m venv .venv` and `.venv\Scripts\pip install -e .`:
;        export POPPLER_DIR='C:\tools\poppler-24.08.0'   (see below)
;        installer/build
;      which leaves the PyInstaller bundle in dist\PlateDesk (PlateDesk.exe and _internal\).
;   2. POPPLER_DIR is an unpacked poppler for Windows release (a zip of pdftoppm.exe and its
;      DLLs, under Library\bin); platedesk.spec copies pdftoppm.exe and those DLLs into
;      _internal\poppler, where the packet preview and printing find them.
;   3. The icon is installer\platedesk.ico, drawn by installer\make_icon.py (committed).
; Then compile with Inno Setup 6.3 or later (x64compatible below needs 6.3):
;        "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\platedesk.iss
; or, for another version number than pyproject.toml's:
;        ISCC.exe /DAppVersion=0.2.0 installer\platedesk.iss
; The installer lands in dist\installer\. Relative paths below are relative to this file.
;
; Uninstalling removes the program only. The data folder (%LOCALAPPDATA%\PlateDesk: the
; embedded database, images, the local keyring file) holds evidence and audit records that
; Policy 424 keeps; the uninstaller leaves it alone on purpose.

#define AppName "Plate Desk"
#ifndef AppVersion
  ; Keep equal to pyproject.toml's version (tests/installer/test_installer_files.py checks).
  #define AppVersion "0.1.0"
#endif
#define AppPublisher "Plate Desk"
#define AppExeName "PlateDesk.exe"
#define BundleDir "..\dist\PlateDesk"

[Setup]
; The AppId identifies the product to Windows across versions: never change it.
AppId={{680F6C41-3A54-44E1-BF96-C272BD2A4087}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; PyTorch, Qt and OpenCV in the bundle are 64-bit only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Program Files needs an administrator; the data folder is per user, so the program is shared.
PrivilegesRequired=admin
SetupIconFile=platedesk.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
OutputDir=..\dist\installer
OutputBaseFilename=PlateDesk-{#AppVersion}-setup
; The bundle is mostly shared libraries; one solid LZMA2 stream packs them best. A separate
; compressor process keeps the compiler's own memory small on a build machine.
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes
WizardStyle=modern
; Windows closes a running Plate Desk before files are replaced, and offers to restart it.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A new bundle is not the old one plus changes: libraries are renamed or dropped between
; builds, and a stale DLL next to new ones can be loaded instead of the right one.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\{#AppExeName}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
