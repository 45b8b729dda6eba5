; Inno Setup 6 script: a per-user installer for the PyInstaller bundle in dist\oktatool.
; No administrator rights: installs to %LOCALAPPDATA%\Programs\oktatool, a Start-menu entry for the
; current user, an uninstaller (Settings > Apps), and optionally the folder on the user's PATH so the
; CLI (oktatool.exe) works from any terminal. The Start-menu entry opens the window through
; oktatoolw.exe, the windowed twin the spec builds on Windows, so no console flashes.
;
; Build (from the repository root, after `pyinstaller packaging/oktatool.spec`):
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\oktatool.iss
; Output: dist\oktatool-<version>-windows-x64-setup.exe

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "oktatool"
#define RepoRoot AddBackslash(SourcePath) + "..\.."

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied to one product.
AppId={{6F2B7E0C-3C1D-4F4A-9B8E-0A7D5C2E9B11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=oktatool developers
AppPublisherURL=https://github.com/oktatool/oktatool
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; PySide6 6.12 supports Windows 10 1809 and later.
MinVersion=10.0.17763
OutputDir={#RepoRoot}\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile={#RepoRoot}\resources\icons\app\oktatool.ico
UninstallDisplayIcon={app}\oktatoolw.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "addtopath"; Description: "Add oktatool to my PATH (use it from any terminal)"; Flags: unchecked
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#RepoRoot}\dist\oktatool\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\oktatoolw.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\oktatoolw.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; \
  ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\oktatoolw.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function PathValue(): String;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Result) then
    Result := '';
end;

function NotOnPath(Dir: String): Boolean;
begin
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(PathValue()) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Path, Dir: String;
  P: Integer;
begin
  { Take our folder back off the user's PATH (it was added only with the addtopath task). }
  if CurUninstallStep <> usPostUninstall then
    exit;
  Dir := ExpandConstant('{app}');
  Path := ';' + PathValue() + ';';
  P := Pos(';' + Uppercase(Dir) + ';', Uppercase(Path));
  if P = 0 then
    exit;
  Delete(Path, P, Length(Dir) + 1);
  Path := Copy(Path, 2, Length(Path) - 2);
  RegWriteExpandStringValue(HKCU, 'Environment', 'Path', Path);
end;
