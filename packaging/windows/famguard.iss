; Inno Setup script of FamGuard's Windows installer: a per-user install (no administrator rights),
; a Start-menu entry, an uninstaller, version information, and famguard:// links handed to FamGuard.
; packaging/build.py compiles it on Windows after PyInstaller (see packaging/README.md):
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\famguard /DOutputDir=dist /DIconFile=build\assets\icons\famguard.ico packaging\windows\famguard.iss
; AppVersion comes from famguard.__version__ through build.py; never write a version here.

#ifndef AppVersion
  #error Compile through packaging/build.py, or pass /DAppVersion=X.Y.Z /DSourceDir=... /DOutputDir=... /DIconFile=...
#endif

#define AppName "FamGuard"
#define AppId "org.famguard.FamGuard"
#define AppExe "famguard.exe"

[Setup]
; A fixed GUID-like id keeps upgrades and the uninstaller tied to one entry across versions.
AppId={{6F1C9B2E-5A3D-4E8F-9C41-2B7D0E6A5F13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The FamGuard developers
AppPublisherURL=https://famguard.org/
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} installer
; Per user: installs under %LOCALAPPDATA%\Programs, writes only to HKCU, never asks for admin.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir={#OutputDir}
OutputBaseFilename=famguard-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; FamGuard must not be running while its files are replaced (one instance per user).
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon; AppUserModelID: "{#AppId}"

[Registry]
; famguard://pair?code=... (the pairing QR's link) opens FamGuard, which hands it to a running one.
Root: HKCU; Subkey: "Software\Classes\famguard"; ValueType: string; ValueName: ""; ValueData: "URL:FamGuard pairing link"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\famguard"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\famguard\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\famguard\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\famguard.exe"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
